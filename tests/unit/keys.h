/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keys.h - keys used as test data: public halves (the private keys were
 * discarded), their base64 blobs, and the opening of a private key file.
 */
#ifndef RSC_TEST_KEYS_H
#define RSC_TEST_KEYS_H

/* clang-format off */
#define KEY_ALICE \
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB96EZyW2LdjQnFoTU0UpcQU2hdhpLRKcD7z3ArAiX/h alice@tes" \
	"t"
#define KEY_BOB \
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAP2BlmoTA994jL1So4e8WfnjT87jTXFraG5bx8i9pfM bob@test"
#define KEY_RSA1024 \
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDLAOfMYWh1odsYebuSuD/ed/arCeRDCfRGDqYqw/mbpONg8KMSvN" \
	"58Z2H7PJX+sizQ/PVaHv37grZQ/E30R0JW+zrvbeFK5EEzbr2s0i602UnNIAGVxgywiuDB7BWT7VV/y2K1QRoEZdGE" \
	"3mN8uXRFRwoeDJyBfA9syMAk3TRZOw== small"
#define KEY_DSA \
	"ssh-dss AAAAB3NzaC1kc3MAAACBAJ46aYVz0oruag01Gj2cDtxQ3ray+29lXZ6P8ZvOWKtZ5r5U9IeSCE4nZ8VRke" \
	"tTaWdql/98e5dWGXycKmeennacvk024S7PLskvSKoFaxYpQWTkOYSB68MRNI+V9/9SOawXyS3uzMRRUTaNvZ5e9Tm6" \
	"sKBfmTWPbnxVl+u7QrEtAAAAFQCFuZjkoDspPXSmnwKLytGoK0IPowAAAIB+iAcGy3S49qbOGLRuilJtP2mnmkm+T4" \
	"Nw5qGs4ozkdLZ6x3d6UzmjELMKhWAjK/7ddIOfT7uaoKkFxHGxYhq9+h1AG33PUhGRcdcYuTGkuiVSNBOBR5E0b42t" \
	"VU+r8XtlW2CxH28yiSgaMYzAVN+i4oisKwoaORM4ClDLgrnomgAAAIAhrg6vW2Ndiee66RDaPdVQbcUZO0WF6FV7Jf" \
	"TCGkK+RgcdqXrBEr7JL63aGW4Wsnojh8TbDevPIDpeBArgbEY/OVJdrtfxCNZPj91yE5LRPLXBUP+QT2+mLE5Aq2Uk" \
	"a5noAAtj3CHWjgQdTKPPXwE8XcZQhrgho4M5ESSyfGIlMQ== dsa@test"
/* A synthetic 768-bit modulus: ssh-keygen refuses to make keys this small. */
#define KEY_RSA768 \
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAYQCNEW7OFzj32T2cFyQR4guPaw1Um28DZ1oWAKNaCZlQ2Db2dcyB50" \
	"716OJdlA7ZBHWVMZhdXZ3J+BgY6BGJL5Ar0j8IJBKLLzMMXH/QpqOkUGUTJw4mng038qdN5FLmtDk= tiny"
/* the ed25519 blob of KEY_ALICE, and of KEY_BOB */
#define B64_ALICE "AAAAC3NzaC1lZDI1NTE5AAAAIB96EZyW2LdjQnFoTU0UpcQU2hdhpLRKcD7z3ArAiX/h"
#define B64_BOB	  "AAAAC3NzaC1lZDI1NTE5AAAAIAP2BlmoTA994jL1So4e8WfnjT87jTXFraG5bx8i9pfM"
/* the first body lines of a real OpenSSH private key (header and public part), then filler */
#define PRIVATE_BLOCK \
	"-----BEGIN OPENSSH PRIVATE KEY-----\n" \
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n" \
	"QyNTUxOQAAACCuaF0Xq9pJLayD2fB1DudZkM3WPoqGGmbcfRmUaPckQgAAAJDRT0h90U9I\n" \
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n" \
	"AAAAAAAAAAAAAAAAAAAAAA==\n" \
	"-----END OPENSSH PRIVATE KEY-----\n"
/* clang-format on */

#endif
