#!/bin/sh
# Makes the OpenSSL fixtures for OpenSslInteropTest, which runs it at test time in a temporary folder.
# Needs OpenSSL 3 (the legacy provider for PBES1 MD5-DES and the -legacy PKCS#12). Run in this folder.
set -eu
P=test-password
U='pässwörd'
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa-pkcs8.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec-pkcs8.pem
openssl genpkey -algorithm ed25519 -out ed25519-pkcs8.pem
openssl genpkey -algorithm x25519 -out x25519-pkcs8.pem
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:1024 -out rsa-pss-pkcs8.pem
openssl req -x509 -new -key rsa-pkcs8.pem -subj '/CN=openssl rsa fixture' -days 36500 -out rsa-cert.pem
openssl req -x509 -new -key ec-pkcs8.pem -subj '/CN=openssl ec fixture' -days 36500 -out ec-cert.pem

# Traditional (PKCS#1 / SEC1), plain and encrypted.
openssl rsa -in rsa-pkcs8.pem -traditional -out rsa-pkcs1.pem
openssl rsa -in rsa-pkcs8.pem -traditional -des3 -passout pass:$P -out rsa-pkcs1-des3.pem
openssl rsa -in rsa-pkcs8.pem -traditional -aes128 -passout pass:$P -out rsa-pkcs1-aes128.pem
openssl ec -in ec-pkcs8.pem -out ec-sec1.pem
openssl ec -in ec-pkcs8.pem -aes256 -passout pass:$P -out ec-sec1-aes256.pem
openssl ec -in ec-pkcs8.pem -des3 -passout pass:$P -out ec-sec1-des3.pem
openssl ec -in ec-pkcs8.pem -aes192 -passout "pass:$U" -out ec-sec1-aes192-utf8.pem
openssl ec -in ec-pkcs8.pem -param_enc explicit -out ec-sec1-explicit.pem
{ openssl ecparam -name prime256v1; cat ec-sec1.pem; } > ec-sec1-with-parameters-block.pem

# Encrypted PKCS#8: PBES2 variants, PBES1 / PKCS#12 PBE, scrypt.
openssl pkcs8 -topk8 -in rsa-pkcs8.pem -passout pass:$P -out rsa-pbes2-default.pem
openssl pkcs8 -topk8 -in ec-pkcs8.pem -v2 aes-128-cbc -v2prf hmacWithSHA1 -passout pass:$P -out ec-pbes2-aes128-sha1.pem
openssl pkcs8 -topk8 -in ec-pkcs8.pem -v2 aes-192-cbc -v2prf hmacWithSHA256 -passout pass:$P -out ec-pbes2-aes192-sha256.pem
openssl pkcs8 -topk8 -in ec-pkcs8.pem -v2 aes-256-cbc -v2prf hmacWithSHA512 -passout pass:$P -out ec-pbes2-aes256-sha512.pem
openssl pkcs8 -topk8 -in ec-pkcs8.pem -v2 des3 -v2prf hmacWithSHA1 -passout pass:$P -out ec-pbes2-des3-sha1.pem
openssl pkcs8 -topk8 -in ec-pkcs8.pem -v2 aes-256-cbc -passout "pass:$U" -out ec-pbes2-utf8.pem
openssl pkcs8 -topk8 -in ec-pkcs8.pem -v1 PBE-SHA1-3DES -passout pass:$P -out ec-pbe-sha1-3des.pem
openssl pkcs8 -topk8 -in ec-pkcs8.pem -v1 PBE-MD5-DES -provider legacy -provider default -passout pass:$P -out ec-pbes1-md5-des.pem
openssl pkcs8 -topk8 -in ec-pkcs8.pem -scrypt -passout pass:$P -out ec-scrypt.pem

# PKCS#12: OpenSSL 3 defaults (PBES2, AES-256) and the legacy algorithms (RC2-40, 3DES) older tools write.
openssl pkcs12 -export -in rsa-cert.pem -inkey rsa-pkcs8.pem -name 'Apple Push Services: fixture' -passout pass:$P -out rsa.p12
openssl pkcs12 -export -legacy -in ec-cert.pem -inkey ec-pkcs8.pem -passout pass:$P -out ec-legacy.p12
# What 'openssl pkcs12 -nodes' prints: Bag Attributes text around the blocks.
openssl pkcs12 -in rsa.p12 -nodes -passin pass:$P -out rsa-from-p12.pem
