//! Local API benchmark: `cargo bench -p hearth-gateway --bench local_api` (or
//! `tests/bench/local_api.sh`, which also installs LiteLLM proxy into a private virtualenv).
//!
//! One run, four paths to the same local upstream (a Chat Completions server that streams a
//! 6-chunk answer at once, in a process of its own like any local model server — this binary
//! re-executed in upstream mode; `HEARTH_BENCH_UPSTREAM_IN_PROCESS=1` runs it inside the bench
//! process instead, where the direct path never leaves the bench's own runtime, which no real
//! client of a real server gets):
//! - **direct** to the upstream,
//! - **bare**: a pass-through proxy process on the same stack as Hearth (axum, hyper-util, one
//!   thread) with no parsing, checks or log — the floor: what the extra local hop itself costs,
//! - **through Hearth**: a separate server process (this binary re-executed in serve mode:
//!   `Gateway::open` on a temp data dir + `server::run`, the code `hearth serve` runs; or the
//!   real binary when `HEARTH_BIN` is set), with a token, the action log and every guard on,
//! - **through LiteLLM proxy** when `LITELLM_BIN` names its `litellm` executable.
//!
//! For each: time to first byte (TTFB) and total time of 1,000 sequential streamed requests
//! (`HEARTH_BENCH_SEQUENTIAL`; the paths take turns request by request, so the machine's noise
//! hits them alike) and of 200 concurrent streams (`HEARTH_BENCH_CONCURRENT`); overhead =
//! percentile through the proxy − the same percentile direct. Also the CPU time per sequential
//! request of the bare and Hearth processes (by thread) and the idle RSS of the Hearth server
//! process. `HEARTH_BENCH_WRAP` runs the serve and bare children under a profiler (e.g. `valgrind
//! --tool=callgrind`). Results and the command are recorded in docs/benchmarks.md.

use axum::response::sse::{Event, Sse};
use axum::routing::post;
use futures::StreamExt;
use hearth_gateway::paths::DataDir;
use hearth_gateway::server::{self, TokenStore};
use hearth_gateway::Gateway;
use std::convert::Infallible;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SERVE_ENV: &str = "HEARTH_BENCH_SERVE_DIR";
/// Set in the child that runs the bare pass-through proxy (the floor): the upstream's base URL.
const BARE_ENV: &str = "HEARTH_BENCH_BARE_UPSTREAM";
/// Set in the child that runs the upstream.
const UPSTREAM_ENV: &str = "HEARTH_BENCH_UPSTREAM_CHILD";
/// Set (by the user) to run the upstream inside the bench process instead, as before
/// 2026-12-07: the direct path then never leaves the bench's own runtime (see docs).
const IN_PROCESS_ENV: &str = "HEARTH_BENCH_UPSTREAM_IN_PROCESS";

/// LiteLLM refuses to start without a strong master key; clients of both proxies authenticate.
const LITELLM_KEY: &str = "sk-bench-fake-0f3c9a7e5d2b4186a9c0e7f1d3b5a8c2e4f6a8b0";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if let Ok(dir) = std::env::var(SERVE_ENV) {
        // Like `hearth serve`: one thread.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        return runtime.block_on(serve_mode(dir));
    }
    if let Ok(upstream) = std::env::var(BARE_ENV) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        return runtime.block_on(bare_proxy_mode(upstream));
    }
    if std::env::var_os(UPSTREAM_ENV).is_some() {
        return runtime.block_on(upstream_mode());
    }
    runtime.block_on(bench())
}

/// Serve mode (the child process): the local API of a gateway in `dir`, until stdin closes.
async fn serve_mode(dir: String) -> Result<(), Box<dyn std::error::Error>> {
    let gateway = Gateway::open(DataDir::at(std::path::Path::new(&dir)))?;
    let (listener, addr) = server::bind("127.0.0.1:0", false).await?;
    println!("listening on http://{addr}");
    server::run(gateway, listener, until_stdin_closes()).await?;
    Ok(())
}

/// Bare proxy mode (the floor): the same HTTP stack as Hearth (axum server, hyper-util client,
/// one thread) passing bytes through with no parsing, logging or checks. What an extra local hop
/// costs on this machine; Hearth's own work is the difference.
async fn bare_proxy_mode(upstream: String) -> Result<(), Box<dyn std::error::Error>> {
    use axum::body::Body;
    use axum::extract::{Request, State};
    use axum::response::Response;
    use http_body_util::BodyExt;
    type Http = hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        http_body_util::Full<bytes::Bytes>,
    >;
    async fn forward(State((http, upstream)): State<(Http, String)>, request: Request) -> Response {
        let path = request.uri().path().to_string();
        let body = match axum::body::to_bytes(request.into_body(), 1 << 20).await {
            Ok(body) => body,
            Err(_) => return Response::builder().status(400).body(Body::empty()).unwrap(),
        };
        let outbound = http::Request::post(format!("{upstream}{path}"))
            .header("content-type", "application/json")
            .body(http_body_util::Full::new(body))
            .unwrap();
        match http.request(outbound).await {
            Ok(answer) => Response::builder()
                .status(answer.status().as_u16())
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(answer.into_body().into_data_stream()))
                .unwrap(),
            Err(_) => Response::builder().status(502).body(Body::empty()).unwrap(),
        }
    }
    let http: Http =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let app = axum::Router::new()
        .fallback(forward)
        .with_state((http, upstream));
    let (listener, addr) = server::bind("127.0.0.1:0", false).await?;
    println!("listening on http://{addr}");
    server::serve(listener, app, until_stdin_closes()).await?;
    Ok(())
}

/// Upstream mode (a child process, like a real local model server): the upstream until stdin
/// closes.
async fn upstream_mode() -> Result<(), Box<dyn std::error::Error>> {
    let base = start_upstream().await?;
    println!("listening on {base}");
    until_stdin_closes().await;
    Ok(())
}

/// Resolves when the parent closes the child's stdin (how the bench stops its servers).
async fn until_stdin_closes() {
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await;
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

async fn bench() -> Result<(), Box<dyn std::error::Error>> {
    let sequential = env_usize("HEARTH_BENCH_SEQUENTIAL", 1000);
    let concurrent = env_usize("HEARTH_BENCH_CONCURRENT", 200);
    // The upstream is a process of its own, like any local model server (Ollama, llama.cpp):
    // the direct path crosses processes once each way, as it would for a real client.
    let (upstream, mut upstream_child) = if std::env::var_os(IN_PROCESS_ENV).is_some() {
        (start_upstream().await?, None)
    } else {
        let child = HearthChild::upstream()?;
        (child.base.clone(), Some(child))
    };
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("hearth");
    let token = prepare_data_dir(&data, &upstream).await?;
    let mut hearth = HearthChild::start(&data)?;
    let mut bare = HearthChild::bare(&upstream)?;
    let b_env = std::env::var("HEARTH_BENCH_B_ENV").ok();
    let mut hearth_b = match &b_env {
        Some(vars) => {
            let data_b = dir.path().join("hearth-b");
            let token_b = prepare_data_dir(&data_b, &upstream).await?;
            Some((HearthChild::start_with(&data_b, vars)?, token_b))
        }
        None => None,
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_rss = rss_kib(hearth.child.id());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrent + 8)
        .build()?;
    let targets = vec![
        Target {
            name: "direct",
            url: format!("{upstream}/v1/chat/completions"),
            model: "bench".into(),
            key: "none".into(),
        },
        Target {
            name: "bare",
            url: format!("{}/v1/chat/completions", bare.base),
            model: "bench".into(),
            key: "none".into(),
        },
        Target {
            name: "hearth",
            url: format!("{}/v1/chat/completions", hearth.base),
            model: "up/bench".into(),
            key: token.clone(),
        },
    ];
    let mut targets = targets;
    if let Some((child, token_b)) = &hearth_b {
        targets.push(Target {
            name: "hearth-b",
            url: format!("{}/v1/chat/completions", child.base),
            model: "up/bench".into(),
            key: token_b.clone(),
        });
    }
    // Warm up every path (connections, caches).
    for target in &targets {
        for _ in 0..50 {
            one(&http, target).await?;
        }
    }
    let mut results = Vec::new();
    // Sequential: the paths take turns request by request, so a noisy moment of the machine
    // (this is a shared VM) hits all of them alike.
    let pids: Vec<Option<u32>> = targets
        .iter()
        .map(|target| match target.name {
            "hearth" => Some(hearth.child.id()),
            "bare" => Some(bare.child.id()),
            "hearth-b" => hearth_b.as_ref().map(|(child, _)| child.child.id()),
            _ => None,
        })
        .collect();
    let threads_before: Vec<_> = pids
        .iter()
        .map(|pid| pid.and_then(cpu_ns_by_thread))
        .collect();
    let mut samples: Vec<Vec<(f64, f64)>> = targets
        .iter()
        .map(|_| Vec::with_capacity(sequential))
        .collect();
    for round in 0..sequential {
        // With a B server, A and B swap places every other round: neither always follows the
        // other (whose leftover work after its answer could slow the next request down).
        let mut order: Vec<usize> = (0..targets.len()).collect();
        if hearth_b.is_some() && round % 2 == 1 {
            order.swap(2, 3);
        }
        for i in order {
            samples[i].push(one(&http, &targets[i]).await?);
        }
    }
    let mut cpu_per_request = Vec::new();
    for ((target, pid), before) in targets.iter().zip(&pids).zip(threads_before) {
        let (Some(pid), Some(before)) = (pid, before) else {
            continue;
        };
        let Some(after) = cpu_ns_by_thread(*pid) else {
            continue;
        };
        let per_request = |ns: u64| ns as f64 / sequential as f64 / 1000.0;
        let mut threads = Vec::new();
        let mut total = 0;
        for (id, name, ns) in &after {
            let was = before.iter().find(|t| &t.0 == id).map_or(0, |t| t.2);
            let used = ns.saturating_sub(was);
            total += used;
            if per_request(used) >= 1.0 {
                threads.push(format!("{name} {:.0} µs", per_request(used)));
            }
        }
        cpu_per_request.push((target.name, per_request(total), threads.join(", ")));
    }
    let paired = match (samples.get(2), samples.get(3)) {
        (Some(a), Some(b)) if hearth_b.is_some() => Some(PairedDelta::of(a, b)),
        _ => None,
    };
    for (target, samples) in targets.iter().zip(samples) {
        results.push((target.name, "sequential", Summary::of(samples)));
    }
    for target in &targets {
        let runs = (0..concurrent).map(|_| one(&http, target));
        let samples: Result<Vec<_>, _> =
            futures::future::join_all(runs).await.into_iter().collect();
        results.push((target.name, "concurrent", Summary::of(samples?)));
    }

    // LiteLLM last, in a block of its own: its Python process keeps working after each answer,
    // which would slow the other paths down if it took turns with them. Its overhead is
    // measured against the direct path of the main block (it is ~100× larger than the noise).
    let litellm = match std::env::var("LITELLM_BIN") {
        Ok(bin) => match LiteLlm::start(&bin, &upstream, dir.path()).await {
            Ok(l) => Some(l),
            Err(error) => {
                println!("LiteLLM did not start: {error}");
                None
            }
        },
        Err(_) => None,
    };
    if let Some(l) = &litellm {
        let target = Target {
            name: "litellm",
            url: format!("{}/v1/chat/completions", l.base),
            model: "bench".into(),
            key: LITELLM_KEY.into(),
        };
        for _ in 0..50 {
            one(&http, &target).await?;
        }
        let mut samples = Vec::with_capacity(sequential);
        for _ in 0..sequential {
            samples.push(one(&http, &target).await?);
        }
        results.push((target.name, "sequential", Summary::of(samples)));
        let runs = (0..concurrent).map(|_| one(&http, &target));
        let samples: Result<Vec<_>, _> =
            futures::future::join_all(runs).await.into_iter().collect();
        results.push((target.name, "concurrent", Summary::of(samples?)));
    }

    println!("local API benchmark: {sequential} sequential streamed requests, {concurrent} concurrent streams");
    println!("| path | mode | TTFB p50 | TTFB p99 | total p50 | total p99 |");
    println!("|---|---|---|---|---|---|");
    for (name, mode, s) in &results {
        println!(
            "| {name} | {mode} | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms |",
            s.ttfb_p50, s.ttfb_p99, s.total_p50, s.total_p99
        );
    }
    println!();
    println!("| via | mode | TTFB overhead p50 | TTFB overhead p99 | total overhead p50 | total overhead p99 |");
    println!("|---|---|---|---|---|---|");
    for mode in ["sequential", "concurrent"] {
        let find = |n: &str| {
            results
                .iter()
                .find(|(name, m, _)| *name == n && *m == mode)
                .map(|r| &r.2)
        };
        let Some(direct) = find("direct") else {
            continue;
        };
        for via in ["bare", "hearth", "hearth-b", "litellm"] {
            if let Some(s) = find(via) {
                println!(
                    "| {via} | {mode} | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms |",
                    s.ttfb_p50 - direct.ttfb_p50,
                    s.ttfb_p99 - direct.ttfb_p99,
                    s.total_p50 - direct.total_p50,
                    s.total_p99 - direct.total_p99
                );
            }
        }
        if let (Some(h), Some(l)) = (find("hearth"), find("litellm")) {
            // An overhead under 10 µs is within the noise: no meaningful ratio.
            let ratio = |a: f64, b: f64| {
                if a >= 0.01 {
                    format!("{:.1}×", b / a)
                } else {
                    "n/a".to_string()
                }
            };
            println!(
                "| LiteLLM ÷ Hearth | {mode} | {} | {} | {} | {} |",
                ratio(h.ttfb_p50 - direct.ttfb_p50, l.ttfb_p50 - direct.ttfb_p50),
                ratio(h.ttfb_p99 - direct.ttfb_p99, l.ttfb_p99 - direct.ttfb_p99),
                ratio(
                    h.total_p50 - direct.total_p50,
                    l.total_p50 - direct.total_p50
                ),
                ratio(
                    h.total_p99 - direct.total_p99,
                    l.total_p99 - direct.total_p99
                )
            );
        }
    }
    if let (Some(paired), Some(vars)) = (&paired, &b_env) {
        println!();
        println!(
            "hearth-b ({vars}) − hearth, paired request by request: median TTFB {:+.4} ms, median total {:+.4} ms; B faster in {:.0}% of TTFB pairs",
            paired.ttfb_median, paired.total_median, paired.b_faster_percent
        );
    }
    println!();
    for (name, micros, threads) in &cpu_per_request {
        println!("{name}: CPU per sequential request {micros:.0} µs ({threads})");
    }
    println!("(bare: a pass-through proxy on the same stack, no checks and no log: the cost of the extra hop itself)");
    println!();
    match idle_rss {
        Some(kib) => println!("Hearth server idle RSS: {:.1} MB", kib as f64 / 1024.0),
        None => println!("Hearth server idle RSS: unavailable"),
    }
    if let Some(kib) = rss_kib(hearth.child.id()) {
        println!(
            "Hearth server RSS after the run: {:.1} MB",
            kib as f64 / 1024.0
        );
    }
    if litellm.is_none() {
        println!("LiteLLM: not measured (set LITELLM_BIN, or run tests/bench/local_api.sh)");
    }
    hearth.stop();
    bare.stop();
    if let Some((child, _)) = hearth_b.as_mut() {
        child.stop();
    }
    if let Some(child) = upstream_child.as_mut() {
        child.stop();
    }
    drop(litellm);
    Ok(())
}

struct Target {
    name: &'static str,
    url: String,
    model: String,
    key: String,
}

/// One streamed request: (TTFB, total) in milliseconds.
async fn one(
    http: &reqwest::Client,
    target: &Target,
) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let body = serde_json::json!({
        "model": target.model,
        "stream": true,
        "messages": [{"role": "user", "content": "Say hello"}],
    });
    let started = Instant::now();
    let response = http
        .post(&target.url)
        .bearer_auth(&target.key)
        .json(&body)
        .send()
        .await?;
    if !response.status().is_success() {
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        return Err(format!("{} answered {status}: {text}", target.name).into());
    }
    let mut stream = response.bytes_stream();
    let mut ttfb = None;
    let mut seen = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if ttfb.is_none() && !chunk.is_empty() {
            ttfb = Some(started.elapsed());
        }
        seen.extend_from_slice(&chunk);
    }
    let total = started.elapsed();
    if !seen.windows(6).any(|w| w == b"[DONE]") {
        return Err(format!("{}: the stream did not end with [DONE]", target.name).into());
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Ok((ms(ttfb.unwrap_or(total)), ms(total)))
}

struct Summary {
    ttfb_p50: f64,
    ttfb_p99: f64,
    total_p50: f64,
    total_p99: f64,
}

impl Summary {
    fn of(samples: Vec<(f64, f64)>) -> Summary {
        let mut ttfb: Vec<f64> = samples.iter().map(|s| s.0).collect();
        let mut total: Vec<f64> = samples.iter().map(|s| s.1).collect();
        ttfb.sort_by(f64::total_cmp);
        total.sort_by(f64::total_cmp);
        let pct = |v: &[f64], p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
        Summary {
            ttfb_p50: pct(&ttfb, 0.5),
            ttfb_p99: pct(&ttfb, 0.99),
            total_p50: pct(&total, 0.5),
            total_p99: pct(&total, 0.99),
        }
    }
}

/// Hearth B − Hearth A over requests sent one right after the other (the same moment of the
/// machine), in milliseconds.
struct PairedDelta {
    ttfb_median: f64,
    total_median: f64,
    b_faster_percent: f64,
}

impl PairedDelta {
    fn of(a: &[(f64, f64)], b: &[(f64, f64)]) -> PairedDelta {
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
        };
        let ttfb: Vec<f64> = a.iter().zip(b).map(|(a, b)| b.0 - a.0).collect();
        let faster = ttfb.iter().filter(|d| **d < 0.0).count();
        PairedDelta {
            b_faster_percent: 100.0 * faster as f64 / ttfb.len().max(1) as f64,
            ttfb_median: median(ttfb),
            total_median: median(a.iter().zip(b).map(|(a, b)| b.1 - a.1).collect()),
        }
    }
}

/// The upstream: a Chat Completions server streaming six chunks and `[DONE]` at once.
async fn start_upstream() -> Result<String, Box<dyn std::error::Error>> {
    async fn completions(
    ) -> Sse<futures::stream::Iter<std::vec::IntoIter<Result<Event, Infallible>>>> {
        let chunk = |delta: serde_json::Value, finish: serde_json::Value| {
            serde_json::json!({"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1,
                "model": "bench", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
            .to_string()
        };
        let mut events = vec![chunk(
            serde_json::json!({"role": "assistant", "content": ""}),
            serde_json::Value::Null,
        )];
        for word in ["Hello", " from", " the", " bench"] {
            events.push(chunk(
                serde_json::json!({"content": word}),
                serde_json::Value::Null,
            ));
        }
        events.push(chunk(serde_json::json!({}), serde_json::json!("stop")));
        events.push(
            serde_json::json!({"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1, "model": "bench",
                "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9}})
            .to_string(),
        );
        events.push("[DONE]".into());
        let events: Vec<Result<Event, Infallible>> = events
            .into_iter()
            .map(|data| Ok(Event::default().data(data)))
            .collect();
        Sse::new(futures::stream::iter(events))
    }
    let app = axum::Router::new().route("/v1/chat/completions", post(completions));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        use axum::serve::ListenerExt;
        // Like real streaming servers: no Nagle delay between events.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}"))
}

/// Writes the config (no rate limit: the bench sends far more than 600 a minute) and a token.
async fn prepare_data_dir(
    data: &std::path::Path,
    upstream: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let dir = DataDir::at(data);
    dir.ensure()?;
    std::fs::write(
        dir.config_path(),
        format!(
            "[server]\nrate_limit_per_minute = 0\n\n[providers.up]\nkind = \"openai-compatible\"\nbase_url = \"{upstream}/v1\"\nmodels = [\"bench\"]\n"
        ),
    )?;
    let store = hearth_gateway::store::Store::open(&dir.db_path())?;
    let created = TokenStore::new(store).create("bench", &[], false).await?;
    Ok(created.token)
}

struct HearthChild {
    child: Child,
    base: String,
}

impl HearthChild {
    /// The upstream (this binary in upstream mode; never behind `HEARTH_BENCH_WRAP`).
    fn upstream() -> Result<HearthChild, Box<dyn std::error::Error>> {
        let mut command = Command::new(std::env::current_exe()?);
        command.env(UPSTREAM_ENV, "1");
        Self::spawn(command)
    }

    /// The bare pass-through proxy to `upstream` (this binary in bare proxy mode).
    fn bare(upstream: &str) -> Result<HearthChild, Box<dyn std::error::Error>> {
        let mut command = Self::wrapped()?;
        command.env(BARE_ENV, upstream);
        Self::spawn(command)
    }

    /// This binary, behind `HEARTH_BENCH_WRAP` (a profiler, e.g. `valgrind --tool=callgrind`)
    /// when it is set.
    fn wrapped() -> Result<Command, Box<dyn std::error::Error>> {
        Ok(match std::env::var("HEARTH_BENCH_WRAP") {
            Ok(wrap) => {
                let mut words = wrap.split_whitespace();
                let mut c = Command::new(words.next().ok_or("empty HEARTH_BENCH_WRAP")?);
                c.args(words).arg(std::env::current_exe()?);
                c
            }
            Err(_) => Command::new(std::env::current_exe()?),
        })
    }

    /// The real `hearth serve` when `HEARTH_BIN` is set, else this binary in serve mode.
    fn start(data: &std::path::Path) -> Result<HearthChild, Box<dyn std::error::Error>> {
        let command = match std::env::var("HEARTH_BIN") {
            Ok(bin) => {
                let mut c = Command::new(bin);
                c.arg("--data-dir")
                    .arg(data)
                    .args(["serve", "--listen", "127.0.0.1:0"]);
                c
            }
            Err(_) => {
                let mut c = Self::wrapped()?;
                c.env(SERVE_ENV, data);
                c
            }
        };
        Self::spawn(command)
    }

    /// [`HearthChild::start`] with extra environment variables (`NAME=VALUE,...`): the B side
    /// of a paired A/B.
    fn start_with(
        data: &std::path::Path,
        vars: &str,
    ) -> Result<HearthChild, Box<dyn std::error::Error>> {
        let mut command = match (
            std::env::var("HEARTH_BIN"),
            std::env::var("HEARTH_BENCH_B_BIN"),
        ) {
            (Ok(_), _) => return Err("HEARTH_BENCH_B_ENV works with the serve mode only".into()),
            // Another build of this bench (its serve mode): an A/B of two builds.
            (Err(_), Ok(bin)) => Command::new(bin),
            (Err(_), Err(_)) => Self::wrapped()?,
        };
        command.env(SERVE_ENV, data);
        for pair in vars.split(',').filter(|p| !p.is_empty()) {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("HEARTH_BENCH_B_ENV: '{pair}' is not NAME=VALUE"))?;
            command.env(name, value);
        }
        Self::spawn(command)
    }

    fn spawn(mut command: Command) -> Result<HearthChild, Box<dyn std::error::Error>> {
        let mut child = command
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(
                if std::env::var_os("HEARTH_BENCH_SERVER_STDERR").is_some() {
                    Stdio::inherit()
                } else {
                    Stdio::null()
                },
            )
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("unexpected first line: {line}"))?
            .to_string();
        Ok(HearthChild { child, base })
    }

    fn stop(&mut self) {
        // `hearth serve` stops on SIGTERM; serve mode when stdin closes.
        #[cfg(unix)]
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

impl Drop for HearthChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// CPU time used so far by each thread of a process: (thread id, name, nanoseconds), from
/// Linux's schedstat.
fn cpu_ns_by_thread(pid: u32) -> Option<Vec<(String, String, u64)>> {
    let mut threads = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let path = task.ok()?.path();
        let stat = std::fs::read_to_string(path.join("schedstat")).ok()?;
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let ns = stat.split_whitespace().next()?.parse::<u64>().ok()?;
        let id = path.file_name()?.to_string_lossy().into_owned();
        threads.push((id, name.trim().to_string(), ns));
    }
    Some(threads)
}

/// Resident set size of a process, in KiB (Linux).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

struct LiteLlm {
    child: Child,
    base: String,
}

impl LiteLlm {
    async fn start(
        bin: &str,
        upstream: &str,
        dir: &std::path::Path,
    ) -> Result<LiteLlm, Box<dyn std::error::Error>> {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0")?;
            probe.local_addr()?.port()
        };
        let config = dir.join("litellm.yaml");
        std::fs::write(
            &config,
            format!(
                "model_list:\n  - model_name: bench\n    litellm_params:\n      model: openai/bench\n      api_base: {upstream}/v1\n      api_key: sk-upstream\ngeneral_settings:\n  master_key: {LITELLM_KEY}\n"
            ),
        )?;
        let child = Command::new(bin)
            .args(["--config"])
            .arg(&config)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--num_workers",
                "1",
            ])
            .env("LITELLM_LOG", "ERROR")
            // No download of the price table: nothing leaves the machine.
            .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            .env("LITELLM_TELEMETRY", "False")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let base = format!("http://127.0.0.1:{port}");
        let mut litellm = LiteLlm { child, base };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            if let Ok(r) = http
                .get(format!("{}/health/liveliness", litellm.base))
                .send()
                .await
            {
                if r.status().is_success() {
                    return Ok(litellm);
                }
            }
            if let Ok(Some(status)) = litellm.child.try_wait() {
                return Err(format!("litellm exited: {status}").into());
            }
            if Instant::now() > deadline {
                return Err("litellm did not answer within 180 s".into());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

impl Drop for LiteLlm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
