//! Release signatures. The release workflow signs every `.sha256` file it publishes with
//! minisign (`<file>.sha256.minisig`, trusted comment `mint v<VERSION> <file>`), and Mint
//! checks that signature against the public key compiled in before it believes the checksum:
//! a release source that can change archives and checksums together (a compromised account,
//! a mirror) still cannot make Mint install anything. minisign over GitHub's artifact
//! attestations: verifying it is a few lines of pure Rust and one key, offline, the same on a
//! Mac and on a VM's first boot, with no Sigstore trust root to ship and keep current.

use super::ReleaseError;

/// The release public key: `MINT_RELEASE_PUBKEY` when the build sets it (a rehearsal that
/// signs with its own throwaway key), else the project's key, committed beside this file.
const COMPILED_IN: &str = match option_env!("MINT_RELEASE_PUBKEY") {
    Some(k) => k,
    None => include_str!("minisign.pub"),
};

/// At run time, a key for a release source on this machine only (a local rehearsal, a
/// test); a remote source is always checked against the compiled-in key.
pub(crate) const KEY_ENV: &str = "MINT_RELEASE_PUBKEY";

/// The base64 key line of a minisign public key file (or the bare line).
fn key_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .unwrap_or_default()
}

/// The key releases from `base` are checked against.
pub(crate) fn trusted_key(local_source: bool) -> Result<String, ReleaseError> {
    choose_key(std::env::var(KEY_ENV).ok(), local_source)
}

fn choose_key(env: Option<String>, local_source: bool) -> Result<String, ReleaseError> {
    match env.filter(|k| !k.trim().is_empty()) {
        Some(k) if local_source => Ok(key_line(&k).to_string()),
        Some(_) => Err(ReleaseError::KeyOverrideNotLocal),
        None => Ok(key_line(COMPILED_IN).to_string()),
    }
}

/// The trusted comment the release workflow signs with, binding a checksum file to its
/// release: a signed `.sha256` of another version cannot stand in for this one's.
pub(crate) fn trusted_comment(tag: &str, file: &str) -> String {
    format!("mint {tag} {file}")
}

/// Checks `sig` (a `.minisig` file's text) over `body` (the `.sha256` file `file` of release
/// `tag`) with `key`.
pub(crate) fn verify(
    key: &str,
    tag: &str,
    file: &str,
    body: &[u8],
    sig: &[u8],
) -> Result<(), ReleaseError> {
    let bad = |why: String| ReleaseError::BadSignature {
        name: file.to_string(),
        why,
    };
    let pk = minisign_verify::PublicKey::from_base64(key)
        .map_err(|e| bad(format!("Mint's release key is unusable ({e})")))?;
    let text = std::str::from_utf8(sig).map_err(|_| bad("the signature is not text".into()))?;
    let sig = minisign_verify::Signature::decode(text)
        .map_err(|e| bad(format!("not a minisign signature ({e})")))?;
    pk.verify(body, &sig, false).map_err(|e| {
        bad(match e {
            minisign_verify::Error::UnexpectedKeyId => {
                "it is signed with another key than Mint's release key".into()
            }
            other => format!("the signature does not match ({other})"),
        })
    })?;
    let want = trusted_comment(tag, file);
    if sig.trusted_comment() != want {
        return Err(bad(format!(
            "it was signed for `{}`, not `{want}`",
            sig.trusted_comment()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_key_is_a_minisign_key() {
        let line = key_line(include_str!("minisign.pub"));
        assert!(
            minisign_verify::PublicKey::from_base64(line).is_ok(),
            "{line}"
        );
        assert_eq!(key_line("untrusted comment: x\nRWQ\n"), "RWQ");
    }

    #[test]
    fn a_key_from_the_environment_only_for_a_source_on_this_machine() {
        assert_eq!(choose_key(Some("RWQk".into()), true).unwrap(), "RWQk");
        assert!(matches!(
            choose_key(Some("RWQk".into()), false),
            Err(ReleaseError::KeyOverrideNotLocal)
        ));
        assert_eq!(
            choose_key(None, false).unwrap(),
            key_line(include_str!("minisign.pub"))
        );
    }
}
