//! A key pair and self-signed certificate for JWT bearer, made in-process (no openssl): the
//! private key stays in the config dir, readable by its owner only; the certificate is uploaded
//! to the app.

use std::path::{Path, PathBuf};

use super::fsutil;

pub struct Generated {
    pub key_file: PathBuf,
    pub certificate_file: PathBuf,
    pub certificate_pem: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeygenError {
    #[error("cannot make the key pair: {0}")]
    Crypto(String),
    #[error("{0} already exists; move it aside or pass it with --key-file")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Make `NAME.key` (RSA 2048, PKCS#8 PEM, 0600) and `NAME.crt` (self-signed, 2 years) in `dir`.
pub fn generate(dir: &Path, name: &str) -> Result<Generated, KeygenError> {
    let key_file = dir.join(format!("{name}.key"));
    let certificate_file = dir.join(format!("{name}.crt"));
    for path in [&key_file, &certificate_file] {
        if path.exists() {
            return Err(KeygenError::Exists(path.clone()));
        }
    }
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256)
        .map_err(|e| KeygenError::Crypto(e.to_string()))?;
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new())
        .map_err(|e| KeygenError::Crypto(e.to_string()))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("sfconnect {name}"));
    params.not_before = rcgen::date_time_ymd(2026, 1, 1);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let year = 1970 + (now / 31_556_952) as i32;
    params.not_after = rcgen::date_time_ymd(year + 2, 1, 1);
    let cert = params
        .self_signed(&key)
        .map_err(|e| KeygenError::Crypto(e.to_string()))?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| KeygenError::Io { path, source }
    };
    fsutil::private_dir(dir).map_err(io(dir))?;
    let key_pem = secrecy::zeroize::Zeroizing::new(key.serialize_pem());
    let mut file = fsutil::create_private(&key_file).map_err(io(&key_file))?;
    std::io::Write::write_all(&mut file, key_pem.as_bytes()).map_err(io(&key_file))?;
    file.sync_all().map_err(io(&key_file))?;
    let certificate_pem = cert.pem();
    fsutil::write_atomic(&certificate_file, certificate_pem.as_bytes())
        .map_err(io(&certificate_file))?;
    Ok(Generated {
        key_file,
        certificate_file,
        certificate_pem,
    })
}
