//! Store benchmark: `cargo bench -p hearth-gateway --bench store`.
//!
//! Generates a history of `HEARTH_BENCH_MESSAGES` messages (default 1,000,000) in a temp dir —
//! one 10,000-message conversation plus conversations of 50 messages, text drawn from a
//! Zipf-distributed 20,000-word vocabulary — then measures:
//! - full-text search latency (p50/p99) for words drawn uniformly from the vocabulary minus its
//!   100 most frequent words (what people search for: not "the"),
//! - writing one batch of streamed deltas (queue + flush round trip),
//! - opening the 10,000-message conversation (loading its current path),
//! - bytes per message on disk.
//!
//! Results and the command are recorded in docs/benchmarks.md.

use hearth_gateway::conversation::{Block, Message, Role};
use hearth_gateway::store::{SearchQuery, Store, StoreError};
use std::time::{Duration, Instant};

const DEFAULT_MESSAGES: usize = 1_000_000;
const BIG_CONVERSATION: usize = 10_000;
const SMALL_CONVERSATION: usize = 50;
const VOCABULARY: usize = 20_000;
const WORDS_PER_MESSAGE: usize = 30;
const SEARCHES: usize = 300;
const DELTA_BATCHES: usize = 300;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench`; ignore arguments.
    let total: usize = std::env::var("HEARTH_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_MESSAGES)
        .max(BIG_CONVERSATION + SMALL_CONVERSATION);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("hearth.db");
    let store = Store::open(&path)?;
    let words = vocabulary();
    let zipf = ZipfTable::new(VOCABULARY);

    let started = Instant::now();
    let big_conversation = generate(&store, total, &words, &zipf)?;
    let generation = started.elapsed();
    drop(store);
    checkpoint(&path)?;
    let bytes = file_size(&path);
    let store = Store::open(&path)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (search, open, delta) = runtime.block_on(async {
        let search = bench_search(&store, &words).await?;
        let open = bench_open(&store, &big_conversation).await?;
        let delta = bench_deltas(&store, &big_conversation).await?;
        Ok::<_, StoreError>((search, open, delta))
    })?;

    println!(
        "store bench: {total} messages (generated in {:.1} s)",
        generation.as_secs_f64()
    );
    println!("| measure | p50 | p99 | target |");
    println!("|---|---|---|---|");
    println!(
        "| FTS search ({SEARCHES} queries, 20 hits, snippets) | {} | {} | p50 ≤ 10 ms |",
        ms(search.p50),
        ms(search.p99)
    );
    println!(
        "| append one delta batch (queue + flush) | {} | {} | ≤ 0.2 ms |",
        ms(delta.p50),
        ms(delta.p99)
    );
    println!(
        "| open a {BIG_CONVERSATION}-message conversation | {} | {} | ≤ 50 ms |",
        ms(open.p50),
        ms(open.p99)
    );
    println!(
        "| bytes per message (db incl. FTS index) | {} | | |",
        bytes / total as u64
    );
    Ok(())
}

struct Percentiles {
    p50: Duration,
    p99: Duration,
}

fn percentiles(mut samples: Vec<Duration>) -> Percentiles {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    Percentiles {
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// Writes the history in one transaction with prepared statements; returns the id of the
/// 10,000-message conversation.
fn generate(
    store: &Store,
    total: usize,
    words: &[String],
    zipf: &ZipfTable,
) -> Result<String, StoreError> {
    let words = words.to_vec();
    let zipf = zipf.clone();
    store.write_blocking(move |tx| {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut insert_conversation = tx.prepare(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
        )?;
        let mut insert_message = tx.prepare(
            "INSERT INTO messages (id, conversation_id, parent_id, role, blocks, provider, model,
                                   status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'complete', ?8, ?8)",
        )?;
        let mut set_leaf =
            tx.prepare("UPDATE conversations SET current_leaf = ?2 WHERE id = ?1")?;
        let providers = [
            ("claude", "sonnet"),
            ("openai", "gpt-5"),
            ("local", "llama"),
        ];
        let mut written = 0usize;
        let mut big = None;
        let mut clock: i64 = 1_700_000_000_000;
        let mut text = String::new();
        while written < total {
            let size = if big.is_none() {
                BIG_CONVERSATION
            } else {
                SMALL_CONVERSATION.min(total - written)
            };
            let conversation_id = uuid(&mut rng);
            insert_conversation.execute(rusqlite::params![
                conversation_id,
                format!(
                    "{} {}",
                    words[zipf.sample(&mut rng)],
                    words[zipf.sample(&mut rng)]
                ),
                clock
            ])?;
            let mut parent: Option<String> = None;
            for i in 0..size {
                text.clear();
                for w in 0..WORDS_PER_MESSAGE {
                    if w > 0 {
                        text.push(' ');
                    }
                    text.push_str(&words[zipf.sample(&mut rng)]);
                }
                let blocks =
                    serde_json::to_string(&[Block::text(text.as_str())]).map_err(|source| {
                        StoreError::CorruptRow {
                            id: String::new(),
                            source,
                        }
                    })?;
                let id = uuid(&mut rng);
                let (role, (provider, model)) = if i % 2 == 0 {
                    ("user", ("", ""))
                } else {
                    ("assistant", providers[(i / 2) % providers.len()])
                };
                let provider = (!provider.is_empty()).then_some(provider);
                let model = (!model.is_empty()).then_some(model);
                clock += 1000;
                insert_message.execute(rusqlite::params![
                    id,
                    conversation_id,
                    parent,
                    role,
                    blocks,
                    provider,
                    model,
                    clock
                ])?;
                parent = Some(id);
            }
            set_leaf.execute(rusqlite::params![conversation_id, parent])?;
            written += size;
            big.get_or_insert(conversation_id);
        }
        Ok(big.unwrap_or_default())
    })
}

async fn bench_search(store: &Store, words: &[String]) -> Result<Percentiles, StoreError> {
    let mut rng = XorShift(42);
    let mut samples = Vec::with_capacity(SEARCHES);
    let mut total_hits = 0;
    for _ in 0..SEARCHES {
        let word = &words[100 + rng.below(VOCABULARY - 100)];
        let started = Instant::now();
        let hits = store.search(SearchQuery::new(word.as_str())).await?;
        samples.push(started.elapsed());
        total_hits += hits.len();
    }
    assert!(total_hits > 0, "the searches found nothing");
    Ok(percentiles(samples))
}

async fn bench_open(store: &Store, conversation: &str) -> Result<Percentiles, StoreError> {
    let mut samples = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let path = store.current_path(conversation).await?;
        samples.push(started.elapsed());
        assert_eq!(path.len(), BIG_CONVERSATION);
    }
    Ok(percentiles(samples))
}

/// One batch = what the writer collects in 250 ms of streaming (about 10 deltas of ~40
/// characters), then written: measured as queueing the deltas plus the flush round trip.
async fn bench_deltas(store: &Store, conversation: &str) -> Result<Percentiles, StoreError> {
    let conversation_id = conversation.to_owned();
    let user = store
        .append_message(
            &conversation_id,
            Message::new(Role::User, vec![Block::text("go")]),
        )
        .await?;
    let mut samples = Vec::with_capacity(DELTA_BATCHES);
    let mut answer = String::new();
    for batch in 0..DELTA_BATCHES {
        // A fresh answer every 20 batches keeps answers at a realistic few kilobytes.
        if batch % 20 == 0 {
            answer = store
                .begin_assistant(&conversation_id, &user.id, "claude", "sonnet")
                .await?;
        }
        let started = Instant::now();
        for _ in 0..10 {
            store.append_delta(&answer, "streamed words arrive a few at a time. ")?;
        }
        store.flush().await?;
        samples.push(started.elapsed());
    }
    Ok(percentiles(samples))
}

fn checkpoint(path: &std::path::Path) -> Result<(), rusqlite::Error> {
    let conn = rusqlite::Connection::open(path)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

fn file_size(path: &std::path::Path) -> u64 {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    [path.to_path_buf(), std::path::PathBuf::from(wal)]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// Pronounceable pseudo-words, distinct, deterministic.
fn vocabulary() -> Vec<String> {
    const ONSETS: [&str; 20] = [
        "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
        "st", "tr",
    ];
    const VOWELS: [&str; 5] = ["a", "e", "i", "o", "u"];
    let syllables: Vec<String> = ONSETS
        .iter()
        .flat_map(|o| VOWELS.iter().map(move |v| format!("{o}{v}")))
        .collect();
    let mut words = Vec::with_capacity(VOCABULARY);
    'outer: for a in &syllables {
        for b in &syllables {
            for c in ["", "n", "r", "s"] {
                words.push(format!("{a}{b}{c}"));
                if words.len() == VOCABULARY {
                    break 'outer;
                }
            }
        }
    }
    words
}

/// Zipf(s = 1) sampling by binary search over the cumulative distribution.
#[derive(Clone)]
struct ZipfTable {
    cumulative: Vec<f64>,
}

impl ZipfTable {
    fn new(n: usize) -> Self {
        let mut cumulative = Vec::with_capacity(n);
        let mut sum = 0.0;
        for rank in 1..=n {
            sum += 1.0 / rank as f64;
            cumulative.push(sum);
        }
        for value in &mut cumulative {
            *value /= sum;
        }
        ZipfTable { cumulative }
    }

    fn sample(&self, rng: &mut XorShift) -> usize {
        let u = rng.unit();
        self.cumulative
            .partition_point(|&c| c < u)
            .min(self.cumulative.len() - 1)
    }
}

/// A tiny deterministic PRNG (xorshift64*), enough for generating data.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random UUID-shaped id (sorted like v7 ids are not needed here).
fn uuid(rng: &mut XorShift) -> String {
    let (a, b) = (rng.next(), rng.next());
    format!(
        "{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (b >> 48) & 0x3fff | 0x8000,
        b & 0xffff_ffff_ffff
    )
}
