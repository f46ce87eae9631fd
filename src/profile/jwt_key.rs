//! A key pair and self-signed certificate for JWT bearer, made in-process (no openssl): the
//! private key stays in the config dir, readable by its owner only; the certificate is uploaded
//! to the app. Each connection gets its own pair, `keys/NAME.key` and `keys/NAME.crt`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::fsutil;

/// How long a certificate made here is valid.
const VALIDITY: Duration = Duration::from_secs(2 * 365 * 86_400);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub key_file: PathBuf,
    pub certificate_file: PathBuf,
    pub certificate_pem: String,
    /// The certificate's validity, read from the certificate itself.
    pub valid: Option<Validity>,
}

/// When a certificate starts and stops being valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub not_before: SystemTime,
    pub not_after: SystemTime,
}

impl Validity {
    /// "valid 2026-12-02 to 2028-12-01", with the days left (or that it expired).
    pub fn describe(&self, now: SystemTime) -> String {
        let day = crate::clock::day;
        let span = format!("valid {} to {}", day(self.not_before), day(self.not_after));
        match self.not_after.duration_since(now) {
            Ok(left) => format!("{span} ({} days left)", left.as_secs() / 86_400),
            Err(_) => format!("{span}: EXPIRED"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeygenError {
    #[error("cannot make the key pair: {0}")]
    Crypto(String),
    #[error(
        "{0} already exists, and `sfconnect login` uses it for this connection without --key-file; move it aside first to make a new pair"
    )]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The key pair sfconnect made for `name` earlier, if both its files are there.
pub fn existing(dir: &Path, name: &str) -> Option<Generated> {
    let key_file = dir.join(format!("{name}.key"));
    if !key_file.is_file() {
        return None;
    }
    at(&key_file)
}

/// The pair at `key_file`: the key, with the certificate kept beside it, if there is one.
pub fn at(key_file: &Path) -> Option<Generated> {
    let certificate_file = certificate_for(key_file)?;
    let certificate_pem = std::fs::read_to_string(&certificate_file).ok()?;
    Some(Generated {
        valid: validity(&certificate_pem),
        key_file: key_file.to_path_buf(),
        certificate_file,
        certificate_pem,
    })
}

/// The certificate kept beside a key file (`x.key` → `x.crt`), if there is one.
pub fn certificate_for(key_file: &Path) -> Option<PathBuf> {
    let crt = key_file.with_extension("crt");
    (crt != key_file && crt.is_file()).then_some(crt)
}

/// The validity of the first certificate in `pem`, if it parses.
pub fn validity(pem: &str) -> Option<Validity> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let der = CertificateDer::from_pem_slice(pem.as_bytes()).ok()?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der).ok()?;
    let at = |secs: i64| {
        u64::try_from(secs)
            .ok()
            .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s))
    };
    Some(Validity {
        not_before: at(cert.validity().not_before.timestamp())?,
        not_after: at(cert.validity().not_after.timestamp())?,
    })
}

/// Make `NAME.key` (RSA 2048, PKCS#8 PEM, 0600) and `NAME.crt` (self-signed, 2 years) in `dir`;
/// refuses to touch either when one exists.
pub fn generate(dir: &Path, name: &str) -> Result<Generated, KeygenError> {
    let key_file = dir.join(format!("{name}.key"));
    let certificate_file = dir.join(format!("{name}.crt"));
    for path in [&key_file, &certificate_file] {
        if path.exists() {
            return Err(KeygenError::Exists(path.clone()));
        }
    }
    write_pair(dir, name, key_file, certificate_file)
}

/// A new pair for `name` beside any it already has: `NAME.key` when free, else
/// `NAME-2.key`, `NAME-3.key`, … The pair in use keeps working until the new one passes.
pub fn generate_new(dir: &Path, name: &str) -> Result<Generated, KeygenError> {
    for n in 1..1000 {
        let stem = if n == 1 {
            name.to_string()
        } else {
            format!("{name}-{n}")
        };
        let key_file = dir.join(format!("{stem}.key"));
        let certificate_file = dir.join(format!("{stem}.crt"));
        if !key_file.exists() && !certificate_file.exists() {
            return write_pair(dir, name, key_file, certificate_file);
        }
    }
    Err(KeygenError::Exists(dir.join(format!("{name}-999.key"))))
}

fn write_pair(
    dir: &Path,
    name: &str,
    key_file: PathBuf,
    certificate_file: PathBuf,
) -> Result<Generated, KeygenError> {
    let crypto = |e: rcgen::Error| KeygenError::Crypto(e.to_string());
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).map_err(crypto)?;
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(crypto)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("sfconnect {name}"));
    // A day's slack for a clock that runs behind Salesforce's.
    let now = SystemTime::now();
    params.not_before = time::OffsetDateTime::from(now - Duration::from_secs(86_400));
    params.not_after = time::OffsetDateTime::from(now + VALIDITY);
    let cert = params.self_signed(&key).map_err(crypto)?;
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
        valid: validity(&certificate_pem),
        key_file,
        certificate_file,
        certificate_pem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_connection_gets_its_own_pair_and_a_second_never_replaces_the_first() {
        let dir = tempfile::tempdir().unwrap();
        assert!(existing(dir.path(), "prod").is_none());
        let first = generate_new(dir.path(), "prod").unwrap();
        assert_eq!(first.key_file, dir.path().join("prod.key"));
        assert_eq!(first.certificate_file, dir.path().join("prod.crt"));
        let valid = first.valid.expect("the certificate's dates are read back");
        let now = SystemTime::now();
        let years = valid.not_after.duration_since(now).unwrap().as_secs() / 86_400;
        assert!((729..=731).contains(&years), "{years} days");
        assert!(valid.not_before < now);
        assert!(
            valid.describe(now).contains("(729 days left)")
                || valid.describe(now).contains("(730 days left)")
        );
        assert_eq!(existing(dir.path(), "prod"), Some(first.clone()));
        assert!(existing(dir.path(), "staging").is_none());
        let key = std::fs::read(&first.key_file).unwrap();
        let second = generate_new(dir.path(), "prod").unwrap();
        assert_eq!(second.key_file, dir.path().join("prod-2.key"));
        assert_eq!(
            std::fs::read(&first.key_file).unwrap(),
            key,
            "the first key is untouched"
        );
        assert!(matches!(
            generate(dir.path(), "prod"),
            Err(KeygenError::Exists(_))
        ));
    }

    #[test]
    fn an_expired_certificate_says_so_and_garbage_has_no_dates() {
        let valid = Validity {
            not_before: SystemTime::UNIX_EPOCH,
            not_after: SystemTime::UNIX_EPOCH + Duration::from_secs(86_400),
        };
        assert_eq!(
            valid.describe(SystemTime::now()),
            "valid 1970-01-01 to 1970-01-02: EXPIRED"
        );
        assert_eq!(
            validity("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"),
            None
        );
        assert_eq!(validity("é"), None);
    }
}
