/* mig-check preflight prov: placeholder until written. */
#include "mig-check.h"
int preflight_prov(int argc, char **argv) { (void)argc; (void)argv; return ST_FAIL; }
