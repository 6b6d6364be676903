#pragma once

// Internal helpers shared by the jose sources: owning pointers for OpenSSL objects, the
// logging category, and the OpenSSL error queue as text. Not part of the public API.

#include <QLoggingCategory>
#include <QString>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace afx::jose {

Q_DECLARE_LOGGING_CATEGORY(lcJose)

namespace detail {

struct BignumDeleter {
    void operator()(BIGNUM *bn) const { BN_free(bn); }
};
struct SecretBignumDeleter {
    void operator()(BIGNUM *bn) const { BN_clear_free(bn); }
};
struct PkeyDeleter {
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
struct PkeyContextDeleter {
    void operator()(EVP_PKEY_CTX *context) const { EVP_PKEY_CTX_free(context); }
};
struct DigestContextDeleter {
    void operator()(EVP_MD_CTX *context) const { EVP_MD_CTX_free(context); }
};
struct ParamBuilderDeleter {
    void operator()(OSSL_PARAM_BLD *builder) const { OSSL_PARAM_BLD_free(builder); }
};
struct ParamDeleter {
    void operator()(OSSL_PARAM *params) const { OSSL_PARAM_free(params); }
};

using BignumPtr = std::unique_ptr<BIGNUM, BignumDeleter>;
using SecretBignumPtr = std::unique_ptr<BIGNUM, SecretBignumDeleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using PkeyContextPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter>;
using DigestContextPtr = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;
using ParamBuilderPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBuilderDeleter>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamDeleter>;

// Empties OpenSSL's thread-local error queue and returns its entries joined by "; ", or
// "no details" when the queue was empty. The text names OpenSSL functions and reasons only.
QString takeOpenSslErrors();

} // namespace detail
} // namespace afx::jose
