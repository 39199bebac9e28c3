//! Signing: recording a step with its signed, content-covering audit entry against the same
//! step with an unsigned entry; Verify of the whole vault with every signature and certificate;
//! and re-keying the whole vault, as removing a user does.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use dsl_domain::flow::{EntryBody, EntryInput};
use dsl_domain::vault::Role;
use dsl_store::{KdfParams, Vault};

use crate::timing::{median, ms, Res};

const RUNS: usize = 41;

fn note(i: usize) -> EntryInput {
    EntryInput {
        node_id: None,
        person_id: None,
        body: EntryBody::Note {
            text: format!("Signed update {i} from the family liaison officer"),
        },
        people: None,
        evidence: None,
        happened: None,
    }
}

/// Records steps on `incidents` signed and unsigned, alternately, and prints both medians.
fn step(v: &mut Vault, incidents: &[i64], now: DateTime<Utc>) -> Res<()> {
    let (mut signed, mut unsigned) = (Vec::new(), Vec::new());
    for i in 0..RUNS {
        let incident = incidents[i % incidents.len()];
        for sign in [true, false] {
            dsl_store::baseline::set_unsigned(!sign);
            let t = Instant::now();
            v.record_entry(incident, &note(i), now)
                .map_err(|e| e.to_string())?;
            let took = t.elapsed();
            if sign {
                signed.push(took);
            } else {
                unsigned.push(took);
            }
        }
    }
    dsl_store::baseline::set_unsigned(false);
    let (s, u) = (median(signed), median(unsigned));
    println!(
        "record a step (a note), median of {RUNS}: signed with its content digest {}, unsigned {}: signing adds {:.1}% (target at most 10%)",
        ms(s),
        ms(u),
        100.0 * (s.as_secs_f64() / u.as_secs_f64() - 1.0)
    );
    Ok(())
}

/// Times Verify of the whole vault (every link, signature, certificate and record digest).
fn verify(v: &Vault) -> Res<Duration> {
    let t = Instant::now();
    let check = v.verify_audit()?;
    let took = t.elapsed();
    if check.broken.is_some() {
        return Err(format!("the benchmark vault does not verify: {}", check.summary).into());
    }
    println!(
        "Verify of the whole vault: {} entries, every signature, certificate and record digest, in {:.1} s (target at most 20 s)",
        check.entries,
        took.as_secs_f64()
    );
    Ok(took)
}

/// Adds a user, then removes them: the removal re-encrypts the whole vault under a new key.
fn rekey(v: &mut Vault, now: DateTime<Utc>) -> Res<()> {
    let user = v.add_user(
        "Bench Deputy",
        Role::DeputyDsl,
        "harbour violet thistle drum",
        KdfParams::default(),
        now,
    )?;
    let size = std::fs::metadata(v.dir().join(dsl_store::DB_FILE))?.len() as f64 / 1048576.0;
    let t = Instant::now();
    v.remove_user(user.id, now, &|_| {})?;
    println!(
        "re-key on removing a user: the {:.0} MiB database re-encrypted under a new key and the key file resealed in {:.1} s",
        size,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn compare(v: &mut Vault, incidents: &[i64], now: DateTime<Utc>) -> Res<()> {
    println!();
    verify(v)?;
    rekey(v, now)?;
    // The vault verifies after the re-key too.
    verify(v)?;
    // Last, as its unsigned entries are (rightly) refused by Verify.
    step(v, incidents, now)
}
