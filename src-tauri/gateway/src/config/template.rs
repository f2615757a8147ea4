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
untrusted_roots = []          # folders tools may use whose content is not yours (downloads...):
                              # reading from them marks the turn untrusted
shell_timeout_secs = 60
shell_output_cap_bytes = 65536
shell_strip_env = []          # extra env var names hidden from commands (secret-looking names,
                              # AWS_* and every provider's key_env are always hidden)
read_cap_bytes = 262144
search_max_results = 200
web_fetch_enabled = false
web_fetch_timeout_secs = 30
web_fetch_cap_bytes = 2097152
web_fetch_allow_private = false   # let web.fetch reach localhost and the LAN

# Calendars for the calendar.* tools: vdir folders (one .ics per event, as vdirsyncer and khal
# keep them), folders of such collections, or single .ics files. New events go to the first.
# [calendar]
# paths = ["~/.calendars/personal", "~/calendars/holidays.ics"]
# timezone = "Europe/Berlin"    # shown and floating times (default: the system's zone)
# max_results = 200

# Mail for the email.* tools: Maildir folders as mbsync or offlineimap keep them. Email bodies
# are untrusted content; sending always asks. The SMTP password lives in the OS keychain.
# [email]
# maildirs = ["~/Mail/personal"]
# drafts = "~/Mail/personal/Drafts"   # default: Drafts (or .Drafts) in the first maildir
# sent = "~/Mail/personal/Sent"       # keep a copy of sent mail here (default: none)
# from = "Your Name <you@example.org>"
# send_via = "smtp"                   # smtp | sendmail
# sendmail_command = "sendmail"       # any sendmail-compatible command (msmtp...)
# max_results = 50
# read_cap_chars = 100000
# [email.smtp]
# host = "smtp.example.org"
# port = 587
# security = "starttls"               # starttls | tls | plain (plain only for localhost)
# username = "you@example.org"
# timeout_secs = 30

# MCP servers (Model Context Protocol): their tools join as SERVER.TOOL, under the same
# permissions; their results are untrusted. `hearth mcp add|import|enable` edits this for you.
# [mcp]
# start = "launch"                    # launch | first_use
# start_timeout_secs = 30
# call_timeout_secs = 300
# [mcp.servers.time]
# command = "uvx"
# args = ["mcp-server-time"]
# enabled = true
# [mcp.servers.remote]
# url = "https://mcp.example.org/mcp"
# secret_headers = ["Authorization"]  # values live in the OS keychain

[permissions]
# Defaults by risk: read → allow; write, execute, network, send → ask.
# Precedence: deny rules > a tool set to deny > allow rules > the tool's setting > the default.
# After untrusted content (a web page, a file from an untrusted folder) every write, execute,
# network or send call asks, even where a rule allows it. Deny always wins.
# Edit with `hearth tool set TOOL allow|ask|deny` and `hearth tool rule add|remove RULE allow|deny`.
paused = false                # the "pause agent" switch: no tool runs while true
allow = []                    # e.g. ["shell.run(git status*)", "files.write(~/notes/**)"]
deny = []                     # e.g. ["shell.run(rm *)", "files.*(~/.ssh/**)"]

[permissions.tools]
# "shell.run" = "ask"
# "web.fetch" = "deny"
"#;
