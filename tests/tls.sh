# tls.sh: a throwaway certificate authority and a server certificate for
# 127.0.0.1 and localhost, made with openssl for the tests' servers.
#   tls_ca DIR NAME      DIR/ca.pem, DIR/ca.key
#   tls_server DIR       DIR/server.pem, DIR/server.key signed by DIR/ca.*
tls_ca() {
	mkdir -p "$1"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$1/ca.key" -out "$1/ca.pem" -days 2 \
	    -subj "/CN=$2" -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

tls_server() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -keyout "$1/server.key" -out "$1/server.csr" -subj /CN=localhost \
	    2>/dev/null &&
	printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
	    'basicConstraints=CA:FALSE' 'keyUsage=digitalSignature,keyAgreement' \
	    'extendedKeyUsage=serverAuth' >"$1/server.ext" &&
	openssl x509 -req -in "$1/server.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" \
	    -CAcreateserial -out "$1/server.pem" -days 2 \
	    -extfile "$1/server.ext" 2>/dev/null
}
