//! The key file (`keyslots.json`): who can open the vault, and how.
//!
//! Each user has two key pairs of their own: a signing key (Ed25519), with which they sign every
//! change they make, and a box key (X25519), to which the vault's data key is sealed. Both
//! private keys are wrapped under a key derived from the user's passphrase (Argon2id); the
//! wrapping's authenticated data is the user's certificate body (vault, user, role, public keys)
//! and name, so editing any of them makes the slot unopenable. Each user's certificate is signed
//! by the DSL or deputy who added them, or by the vault's founding key, whose private half is
//! wrapped only under the recovery key.
//!
//! The data key is sealed separately to every slot's box key. Removing a user or replacing the
//! recovery key makes a new data key (a new generation), re-encrypts the database with it and
//! seals it only to the slots that remain: an old copy of the key file opens nothing written
//! after. While a re-key is under way the file holds both generations, so a crash at any point
//! leaves a vault that opens.

use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use dsl_domain::vault::Role;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use hkdf::Hkdf;
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::{Result, StoreError};

/// The vault's 256-bit data key.
pub type DataKey = Zeroizing<[u8; 32]>;

/// The key-file layout this version writes and reads.
const FILE_FORMAT: u32 = 2;

/// Argon2id cost settings, stored with each slot so they can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for KdfParams {
    /// 128 MiB, 3 passes, 1 lane: far above the m=19 MiB, t=2 floor while unlock stays
    /// well inside its one-second budget (see the unlock benchmark).
    fn default() -> Self {
        Self {
            memory_kib: 128 * 1024,
            iterations: 3,
            parallelism: 1,
        }
    }
}

impl KdfParams {
    /// The weakest settings accepted when reading a slot (OWASP's Argon2id floor).
    fn is_strong_enough(&self) -> bool {
        self.memory_kib >= 19 * 1024 && self.iterations >= 2 && self.parallelism >= 1
    }
}

/// Who signed a user's certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Certifier {
    /// The vault's founding key with this number (0 is the one made with the vault).
    Founding(u32),
    /// The user whose signing key (hex) this is.
    User(String),
}

impl Certifier {
    /// The stored form: `founding:N` or `key:<hex>`.
    pub fn text(&self) -> String {
        match self {
            Certifier::Founding(n) => format!("founding:{n}"),
            Certifier::User(k) => format!("key:{k}"),
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        if let Some(n) = text.strip_prefix("founding:") {
            return n.parse().ok().map(Certifier::Founding);
        }
        text.strip_prefix("key:")
            .map(|k| Certifier::User(k.to_string()))
    }
}

/// A user's public keys and role, as their certificate states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub user_id: i64,
    pub role: Role,
    pub sign_key: String,
    pub box_key: String,
    pub certifier: Certifier,
    pub certificate: String,
}

/// The bytes a user's certificate signs.
pub fn certificate_body(
    vault_id: &str,
    user_id: i64,
    role: Role,
    sign_key: &str,
    box_key: &str,
) -> Vec<u8> {
    format!(
        "dsl-desk user key\n{vault_id}\n{user_id}\n{}\n{sign_key}\n{box_key}\n",
        role.as_str()
    )
    .into_bytes()
}

/// The bytes that introduce a founding key after the first (signed by the DSL who replaced the
/// recovery key).
pub fn founding_body(vault_id: &str, index: u32, public: &str) -> Vec<u8> {
    format!("dsl-desk founding key\n{vault_id}\n{index}\n{public}\n").into_bytes()
}

impl KeyRecord {
    pub fn body(&self, vault_id: &str) -> Vec<u8> {
        certificate_body(
            vault_id,
            self.user_id,
            self.role,
            &self.sign_key,
            &self.box_key,
        )
    }
}

/// A founding key: the first is made with the vault; each later one is introduced when the
/// recovery key is replaced, endorsed by the DSL or deputy who replaced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Founding {
    pub public: String,
    pub endorsed_by: Option<String>,
    pub endorsement: Option<String>,
}

/// One user's slot: their public keys, certificate and wrapped private keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSlot {
    pub id: String,
    pub user_id: i64,
    pub name: String,
    pub role: String,
    pub sign_key: String,
    pub box_key: String,
    pub certifier: String,
    pub certificate: String,
    pub kdf: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub wrapped: String,
}

/// The recovery slot: the recovery box key and the current founding key, wrapped under the
/// recovery key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoverySlot {
    pub id: String,
    pub box_key: String,
    pub founding: u32,
    pub kdf: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub wrapped: String,
}

/// The data key of one generation, sealed to one slot's box key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sealed {
    pub slot: String,
    pub generation: u32,
    pub ephemeral: String,
    pub nonce: String,
    pub sealed: String,
}

/// The whole key file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotFile {
    pub format: u32,
    pub vault_id: String,
    /// The current data key's generation.
    pub generation: u32,
    pub founding: Vec<Founding>,
    pub users: Vec<UserSlot>,
    pub recovery: RecoverySlot,
    pub sealed: Vec<Sealed>,
    /// The restricted records' keys sealed to users who hold no data key (the chair of
    /// governors): all they can open. Copies of what the vault's `record_keys` holds for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordSeal>,
}

/// A restricted record's key sealed to one user who holds no data key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordSeal {
    pub user_id: i64,
    /// What the file restricts: `record` (an incident) or `concerns` (about an adult).
    pub kind: String,
    pub subject: i64,
    /// The restricted file's name in the vault folder's `restricted/` folder.
    pub file: String,
    pub sealed: Sealed,
}

/// The role whose slot holds no data key: the chair of governors opens only the restricted
/// records' files sealed to them.
pub const RECORDS_ONLY_ROLE: &str = "chair";

/// A user's private keys, once their slot is opened.
pub struct UserKeys {
    pub signing: SigningKey,
    pub boxing: StaticSecret,
}

/// What the recovery key opens.
pub struct RecoveryKeys {
    pub boxing: StaticSecret,
    pub founding: SigningKey,
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    OsRng.fill_bytes(&mut out);
    out
}

/// A fresh random data key.
pub fn new_data_key() -> DataKey {
    Zeroizing::new(random_bytes::<32>())
}

/// A fresh signing key.
pub fn new_signing_key() -> SigningKey {
    SigningKey::from_bytes(&random_bytes::<32>())
}

fn new_box_secret() -> StaticSecret {
    StaticSecret::from(random_bytes::<32>())
}

/// Lower-case hex of a signing key's public half.
pub fn public_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().as_bytes())
}

fn box_public_hex(secret: &StaticSecret) -> String {
    hex::encode(PublicKey::from(secret).as_bytes())
}

/// The fingerprint people compare: the first 16 bytes of the key's SHA-256, in groups of four.
pub fn fingerprint(public_hex: &str) -> String {
    use sha2::Digest;
    let digest = Sha256::digest(public_hex.as_bytes());
    hex::encode_upper(&digest[..16])
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Signs `body` with a domain-separated prefix.
pub fn sign(key: &SigningKey, body: &[u8]) -> String {
    hex::encode(key.sign(body).to_bytes())
}

/// True when `signature` (hex) is `public` (hex)'s signature of `body`.
pub fn signature_holds(public: &str, body: &[u8], signature: &str) -> bool {
    let Some(public) = decode_array::<32>(public) else {
        return false;
    };
    let Some(sig) = decode_array::<64>(signature) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_bytes(&public) else {
        return false;
    };
    key.verify(body, &Signature::from_bytes(&sig)).is_ok()
}

fn decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    hex::decode(text).ok()?.try_into().ok()
}

fn derive(secret: &[u8], salt: &[u8], kdf: &KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|_| StoreError::Crypto)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|_| StoreError::Crypto)?;
    Ok(out)
}

/// A wrapped secret: salt, nonce and ciphertext, all hex.
struct Wrapped {
    salt: String,
    nonce: String,
    wrapped: String,
}

fn wrap_secret(secret: &[u8], plain: &[u8], aad: &[u8], kdf: &KdfParams) -> Result<Wrapped> {
    let salt = random_bytes::<16>();
    let nonce = random_bytes::<24>();
    let kek = derive(secret, &salt, kdf)?;
    let cipher = XChaCha20Poly1305::new_from_slice(kek.as_ref()).map_err(|_| StoreError::Crypto)?;
    let wrapped = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
        .map_err(|_| StoreError::Crypto)?;
    Ok(Wrapped {
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        wrapped: hex::encode(wrapped),
    })
}

/// Opens a wrapped secret; `None` when `secret` is not the one it was wrapped under (or the
/// slot was edited).
fn unwrap_secret(
    secret: &[u8],
    w: (&str, &str, &str),
    aad: &[u8],
    kdf: &KdfParams,
) -> Result<Option<Zeroizing<Vec<u8>>>> {
    if !kdf.is_strong_enough() {
        return Err(StoreError::Corrupt(
            "key slot settings are below the minimum",
        ));
    }
    let salt = hex::decode(w.0).map_err(|_| StoreError::Corrupt("key slot salt"))?;
    let nonce = hex::decode(w.1).map_err(|_| StoreError::Corrupt("key slot nonce"))?;
    let wrapped = hex::decode(w.2).map_err(|_| StoreError::Corrupt("key slot content"))?;
    if nonce.len() != 24 {
        return Err(StoreError::Corrupt("key slot nonce"));
    }
    let kek = derive(secret, &salt, kdf)?;
    let cipher = XChaCha20Poly1305::new_from_slice(kek.as_ref()).map_err(|_| StoreError::Crypto)?;
    Ok(cipher
        .decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad })
        .ok()
        .map(Zeroizing::new))
}

/// A 32-byte secret, wiped when dropped.
type Secret32 = Zeroizing<[u8; 32]>;

fn split_pair(plain: &[u8]) -> Result<(Secret32, Secret32)> {
    if plain.len() != 64 {
        return Err(StoreError::Corrupt("key slot content"));
    }
    let mut a = Zeroizing::new([0u8; 32]);
    let mut b = Zeroizing::new([0u8; 32]);
    a.copy_from_slice(&plain[..32]);
    b.copy_from_slice(&plain[32..]);
    Ok((a, b))
}

impl UserSlot {
    fn aad(&self, vault_id: &str) -> Result<Vec<u8>> {
        let mut aad = b"dsl-desk user slot\n".to_vec();
        aad.extend_from_slice(self.id.as_bytes());
        aad.push(b'\n');
        aad.extend_from_slice(&self.record()?.body(vault_id));
        aad.extend_from_slice(self.certifier.as_bytes());
        aad.push(b'\n');
        aad.extend_from_slice(self.name.as_bytes());
        Ok(aad)
    }

    /// The role the slot states.
    pub fn role(&self) -> Result<Role> {
        Role::parse(&self.role).ok_or(StoreError::Corrupt("key slot role"))
    }

    /// The slot's public keys and certificate.
    pub fn record(&self) -> Result<KeyRecord> {
        Ok(KeyRecord {
            user_id: self.user_id,
            role: self.role()?,
            sign_key: self.sign_key.clone(),
            box_key: self.box_key.clone(),
            certifier: Certifier::parse(&self.certifier)
                .ok_or(StoreError::Corrupt("key slot certifier"))?,
            certificate: self.certificate.clone(),
        })
    }

    /// A slot for `user_id` holding `keys` (new keys unless given) under `passphrase`,
    /// certified by `certifier` with `certifier_key`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        vault_id: &str,
        user_id: i64,
        name: &str,
        role: Role,
        keys: Option<&UserKeys>,
        passphrase: &str,
        kdf: KdfParams,
        certifier: Certifier,
        certifier_key: &SigningKey,
    ) -> Result<(UserSlot, UserKeys)> {
        let keys = match keys {
            Some(k) => UserKeys {
                signing: k.signing.clone(),
                boxing: k.boxing.clone(),
            },
            None => UserKeys {
                signing: new_signing_key(),
                boxing: new_box_secret(),
            },
        };
        let sign_key = public_hex(&keys.signing);
        let box_key = box_public_hex(&keys.boxing);
        let certificate = sign(
            certifier_key,
            &certificate_body(vault_id, user_id, role, &sign_key, &box_key),
        );
        let mut slot = UserSlot {
            id: hex::encode(random_bytes::<8>()),
            user_id,
            name: name.to_string(),
            role: role.as_str().to_string(),
            sign_key,
            box_key,
            certifier: certifier.text(),
            certificate,
            kdf,
            salt: String::new(),
            nonce: String::new(),
            wrapped: String::new(),
        };
        slot.rewrap(vault_id, &keys, passphrase)?;
        Ok((slot, keys))
    }

    /// Wraps the user's private keys again under `passphrase` (a new salt and nonce).
    pub fn rewrap(&mut self, vault_id: &str, keys: &UserKeys, passphrase: &str) -> Result<()> {
        let mut plain = Zeroizing::new([0u8; 64]);
        plain[..32].copy_from_slice(keys.signing.as_bytes());
        plain[32..].copy_from_slice(keys.boxing.as_bytes());
        let w = wrap_secret(
            passphrase.as_bytes(),
            plain.as_ref(),
            &self.aad(vault_id)?,
            &self.kdf,
        )?;
        self.salt = w.salt;
        self.nonce = w.nonce;
        self.wrapped = w.wrapped;
        Ok(())
    }

    /// Opens the slot with `passphrase`; `None` when it is not this slot's passphrase or the
    /// slot's stated user, role, name or keys were changed.
    pub fn open(&self, vault_id: &str, passphrase: &str) -> Result<Option<UserKeys>> {
        let Some(plain) = unwrap_secret(
            passphrase.as_bytes(),
            (&self.salt, &self.nonce, &self.wrapped),
            &self.aad(vault_id)?,
            &self.kdf,
        )?
        else {
            return Ok(None);
        };
        let (sign, boxing) = split_pair(&plain)?;
        let keys = UserKeys {
            signing: SigningKey::from_bytes(&sign),
            boxing: StaticSecret::from(*boxing),
        };
        if public_hex(&keys.signing) != self.sign_key
            || box_public_hex(&keys.boxing) != self.box_key
        {
            return Err(StoreError::Corrupt("key slot keys do not match"));
        }
        Ok(Some(keys))
    }
}

impl RecoverySlot {
    fn aad(&self, vault_id: &str, founding_public: &str) -> Vec<u8> {
        format!(
            "dsl-desk recovery slot\n{}\n{vault_id}\n{}\n{}\n{founding_public}\n",
            self.id, self.box_key, self.founding
        )
        .into_bytes()
    }

    /// A recovery slot holding a new box key and `founding` (number `index`) under `secret`.
    pub fn new(
        vault_id: &str,
        secret: &str,
        founding: &SigningKey,
        index: u32,
        kdf: KdfParams,
    ) -> Result<RecoverySlot> {
        let boxing = new_box_secret();
        let mut slot = RecoverySlot {
            id: hex::encode(random_bytes::<8>()),
            box_key: box_public_hex(&boxing),
            founding: index,
            kdf,
            salt: String::new(),
            nonce: String::new(),
            wrapped: String::new(),
        };
        let mut plain = Zeroizing::new([0u8; 64]);
        plain[..32].copy_from_slice(boxing.as_bytes());
        plain[32..].copy_from_slice(founding.as_bytes());
        let w = wrap_secret(
            secret.as_bytes(),
            plain.as_ref(),
            &slot.aad(vault_id, &public_hex(founding)),
            &kdf,
        )?;
        slot.salt = w.salt;
        slot.nonce = w.nonce;
        slot.wrapped = w.wrapped;
        Ok(slot)
    }

    /// Opens the slot with the recovery key's canonical text.
    pub fn open(
        &self,
        vault_id: &str,
        founding_public: &str,
        secret: &str,
    ) -> Result<Option<RecoveryKeys>> {
        let Some(plain) = unwrap_secret(
            secret.as_bytes(),
            (&self.salt, &self.nonce, &self.wrapped),
            &self.aad(vault_id, founding_public),
            &self.kdf,
        )?
        else {
            return Ok(None);
        };
        let (boxing, founding) = split_pair(&plain)?;
        let keys = RecoveryKeys {
            boxing: StaticSecret::from(*boxing),
            founding: SigningKey::from_bytes(&founding),
        };
        if box_public_hex(&keys.boxing) != self.box_key
            || public_hex(&keys.founding) != founding_public
        {
            return Err(StoreError::Corrupt("recovery slot keys do not match"));
        }
        Ok(Some(keys))
    }
}

fn seal_key(shared: &[u8; 32], salt: &[u8], info: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(salt), shared)
        .expand(info, out.as_mut())
        .map_err(|_| StoreError::Crypto)?;
    Ok(out)
}

fn seal_info(vault_id: &str, generation: u32, slot: &str) -> Vec<u8> {
    format!("dsl-desk data key\n{vault_id}\n{generation}\n{slot}\n").into_bytes()
}

impl Sealed {
    /// Seals `data_key` of `generation` to the box key `box_key` (hex) of `slot`.
    pub fn seal(
        vault_id: &str,
        generation: u32,
        slot: &str,
        box_key: &str,
        data_key: &DataKey,
    ) -> Result<Sealed> {
        let recipient = PublicKey::from(
            decode_array::<32>(box_key).ok_or(StoreError::Corrupt("key slot box key"))?,
        );
        let ephemeral = new_box_secret();
        let ephemeral_public = PublicKey::from(&ephemeral);
        let shared = Zeroizing::new(*ephemeral.diffie_hellman(&recipient).as_bytes());
        let mut salt = ephemeral_public.as_bytes().to_vec();
        salt.extend_from_slice(recipient.as_bytes());
        let info = seal_info(vault_id, generation, slot);
        let key = seal_key(&shared, &salt, &info)?;
        let nonce = random_bytes::<24>();
        let cipher =
            XChaCha20Poly1305::new_from_slice(key.as_ref()).map_err(|_| StoreError::Crypto)?;
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: data_key.as_ref(),
                    aad: &info,
                },
            )
            .map_err(|_| StoreError::Crypto)?;
        Ok(Sealed {
            slot: slot.to_string(),
            generation,
            ephemeral: hex::encode(ephemeral_public.as_bytes()),
            nonce: hex::encode(nonce),
            sealed: hex::encode(sealed),
        })
    }

    /// Opens the sealed key with the slot's box secret; `None` if it does not open.
    pub fn open(&self, vault_id: &str, secret: &StaticSecret) -> Option<DataKey> {
        let ephemeral = PublicKey::from(decode_array::<32>(&self.ephemeral)?);
        let own = PublicKey::from(secret);
        let shared = Zeroizing::new(*secret.diffie_hellman(&ephemeral).as_bytes());
        let mut salt = ephemeral.as_bytes().to_vec();
        salt.extend_from_slice(own.as_bytes());
        let info = seal_info(vault_id, self.generation, &self.slot);
        let key = seal_key(&shared, &salt, &info).ok()?;
        let nonce = hex::decode(&self.nonce).ok()?;
        if nonce.len() != 24 {
            return None;
        }
        let sealed = hex::decode(&self.sealed).ok()?;
        let cipher = XChaCha20Poly1305::new_from_slice(key.as_ref()).ok()?;
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &sealed,
                        aad: &info,
                    },
                )
                .ok()?,
        );
        let key: [u8; 32] = plain.as_slice().try_into().ok()?;
        Some(Zeroizing::new(key))
    }
}

impl SlotFile {
    /// Reads the key file; a missing file means there is no vault.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::NoVault),
            Err(e) => return Err(e.into()),
        };
        Self::parse(&bytes)
    }

    /// Reads a key file's bytes: it must be a key file of a version this build reads, with at
    /// least one user.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let version: Version = serde_json::from_slice(bytes)
            .map_err(|_| StoreError::Corrupt("key file is unreadable"))?;
        if version.format > FILE_FORMAT {
            return Err(StoreError::NewerVersion {
                found: i64::from(version.format),
                supported: i64::from(FILE_FORMAT),
            });
        }
        if version.format < FILE_FORMAT {
            return Err(StoreError::OldKeyFile);
        }
        let file: SlotFile = serde_json::from_slice(bytes)
            .map_err(|_| StoreError::Corrupt("key file is unreadable"))?;
        if file.users.is_empty() {
            return Err(StoreError::Corrupt("key file holds no key slots"));
        }
        if file.founding.is_empty() {
            return Err(StoreError::Corrupt("key file holds no founding key"));
        }
        Ok(file)
    }

    /// The newest data key, the user it belongs to and their signing key, opened with a user's passphrase: each
    /// user's slot is tried in turn. Nothing is read from or written to disk.
    pub fn data_key_for_passphrase(&self, passphrase: &str) -> Result<(DataKey, i64, UserKeys)> {
        for slot in &self.users {
            if let Some(keys) = slot.open(&self.vault_id, passphrase)? {
                let (_, key) = self
                    .data_keys(&slot.id, &keys.boxing)
                    .into_iter()
                    .next()
                    .ok_or(StoreError::StaleKeyFile)?;
                return Ok((key, slot.user_id, keys));
            }
        }
        Err(StoreError::WrongCredentials)
    }

    /// A new key file for a new vault.
    pub fn new(
        vault_id: String,
        founding: Founding,
        user: UserSlot,
        recovery: RecoverySlot,
    ) -> Self {
        Self {
            format: FILE_FORMAT,
            vault_id,
            generation: 1,
            founding: vec![founding],
            users: vec![user],
            recovery,
            sealed: Vec::new(),
            records: Vec::new(),
        }
    }

    /// The slot with this id.
    pub fn user_slot(&self, slot_id: &str) -> Option<&UserSlot> {
        self.users.iter().find(|s| s.id == slot_id)
    }

    /// The founding key the recovery slot holds.
    pub fn recovery_founding(&self) -> Result<&Founding> {
        self.founding
            .get(self.recovery.founding as usize)
            .ok_or(StoreError::Corrupt("recovery slot names no founding key"))
    }

    /// Every data key sealed to `slot` that `secret` opens, newest generation first.
    pub fn data_keys(&self, slot: &str, secret: &StaticSecret) -> Vec<(u32, DataKey)> {
        let mut keys: Vec<(u32, DataKey)> = self
            .sealed
            .iter()
            .filter(|s| s.slot == slot)
            .filter_map(|s| s.open(&self.vault_id, secret).map(|k| (s.generation, k)))
            .collect();
        keys.sort_by_key(|(g, _)| std::cmp::Reverse(*g));
        keys
    }

    /// Seals `data_key` of `generation` to every slot that is in the file (users and recovery).
    pub fn seal_to_all(&mut self, generation: u32, data_key: &DataKey) -> Result<()> {
        // Never to a slot whose role opens only its restricted records.
        let mut targets: Vec<(String, String)> = self
            .users
            .iter()
            .filter(|u| u.role != RECORDS_ONLY_ROLE)
            .map(|u| (u.id.clone(), u.box_key.clone()))
            .collect();
        targets.push((self.recovery.id.clone(), self.recovery.box_key.clone()));
        self.sealed
            .retain(|s| s.generation != generation || targets.iter().any(|(id, _)| *id == s.slot));
        for (slot, box_key) in targets {
            if self
                .sealed
                .iter()
                .any(|s| s.generation == generation && s.slot == slot)
            {
                continue;
            }
            self.sealed.push(Sealed::seal(
                &self.vault_id,
                generation,
                &slot,
                &box_key,
                data_key,
            )?);
        }
        Ok(())
    }

    /// Drops every sealed key that is not of `generation`, and any sealed to a slot that is gone.
    pub fn keep_only(&mut self, generation: u32) {
        let slots: Vec<String> = self
            .users
            .iter()
            .map(|u| u.id.clone())
            .chain([self.recovery.id.clone()])
            .collect();
        self.sealed
            .retain(|s| s.generation == generation && slots.contains(&s.slot));
    }

    /// Writes the file atomically: a temporary file, flushed to disk, renamed over the old one.
    pub fn write(&self, path: &Path) -> Result<()> {
        let json =
            serde_json::to_vec_pretty(self).map_err(|_| StoreError::Encoding("the key file"))?;
        crate::files::write_atomically(path, &[&json])
    }
}
