//! The commented `config.toml` written on first run. It must parse to `Config::default()`.

/// Text of a fresh `config.toml`.
pub const DEFAULT_CONFIG: &str = r#"# Hearth configuration.
#
# Edit freely: Hearth picks up changes while it runs, and rejects an invalid edit with a clear
# message (the previous settings stay in force). API keys never go here: use `hearth key set ID`,
# which stores them in the OS keychain.

[general]
# The model used when none is named, as PROVIDER_ID/MODEL.
# default_model = "anthropic/claude-sonnet-4-5"
# system_prompt = "You are Hearth, a helpful assistant running on the user's own machine."
max_steps = 16                # model calls allowed in one agent turn
approval_timeout_secs = 300   # an unanswered approval counts as denied after this
close_to_tray = true          # closing the window keeps Hearth in the tray
log_retention_days = 365      # action-log retention (0 = forever)

[server]
# The local OpenAI/Anthropic-compatible API (`hearth serve`). Loopback only unless you pass
# --allow-remote; every client needs a token (`hearth token create NAME`).
enabled = false
listen = "127.0.0.1:8765"
allowed_hosts = []            # extra Host names accepted (DNS-rebinding defence)
cors_origins = []             # no CORS unless an origin is listed
max_body_bytes = 8388608
rate_limit_per_minute = 600
# [server.aliases]
# fast = "openai/gpt-4.1-mini"

[context]
# Every *.md file in this folder is added to the system prompt (default: <data dir>/context).
# folder = "~/notes/hearth-context"
budget_bytes = 32768

# Providers: add with `hearth provider add ID --kind KIND`, or by hand:
# [providers.anthropic]
# kind = "anthropic"              # anthropic | openai | gemini | openai-compatible
# models = ["claude-sonnet-4-5"]
# fallback = ["openai/gpt-4.1"]   # tried when this one fails before answering
#
# [providers.ollama]
# kind = "openai-compatible"
# base_url = "http://127.0.0.1:11434/v1"
# models = ["llama3.2"]

# Prices in USD per million tokens override the built-in table:
# [prices."claude-sonnet-4-5"]
# input = 3.0
# output = 15.0
# cached_input = 0.3

[tools]
roots = []                    # folders the files and shell tools may touch, e.g. ["~/notes"]
shell_timeout_secs = 60
shell_output_cap_bytes = 65536
read_cap_bytes = 262144
web_fetch_enabled = false

[permissions]
# Defaults by risk: read → allow; write, execute, network, send → ask. Deny always wins.
paused = false
# [permissions.tools]
# "shell.run" = "ask"
allow = []                    # e.g. ["shell.run(git status*)", "files.write(~/notes/**)"]
deny = []
"#;
