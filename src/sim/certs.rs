//! Checking JWT signatures against the X.509 certificate uploaded to a simulated app.

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

/// Whether `signature` is a valid RS256 (RSA PKCS#1 v1.5, SHA-256) signature of `message` by the
/// key in the PEM certificate.
pub fn verify_rs256(cert_pem: &str, message: &[u8], signature: &[u8]) -> bool {
    let Ok(der) = CertificateDer::from_pem_slice(cert_pem.as_bytes()) else {
        return false;
    };
    let Ok(cert) = webpki::EndEntityCert::try_from(&der) else {
        return false;
    };
    cert.verify_signature(
        webpki::aws_lc_rs::RSA_PKCS1_2048_8192_SHA256,
        message,
        signature,
    )
    .is_ok()
}
