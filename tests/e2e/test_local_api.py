"""The local API end to end: the official `openai`, `anthropic` and `google-genai` Python SDKs,
unchanged, against `hearth serve --listen 127.0.0.1:0`, routed to the fake upstream providers; plus the
auth and lock-down cases (tokens, Host, Origin, body size, non-loopback listen)."""

import json
import re
import signal
import subprocess
import time

import anthropic
import openai
import pytest
import requests
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from fake_providers import FakeProviders, Reply

FAKE_KEY = "sk-fake-upstream-KEY-0123456789abcdef"


@pytest.fixture
def fake():
    with FakeProviders() as server:
        yield server


@pytest.fixture
def hearth(hearth_bin, isolated_env, tmp_path, fake):
    data = tmp_path / "data"
    env = dict(isolated_env)
    env["FAKE_KEY"] = FAKE_KEY

    def run(*args, check=True):
        result = subprocess.run(
            [str(hearth_bin), "--data-dir", str(data), *args],
            env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    run("provider", "add", "loc", "--kind", "openai-compatible", "--base-url", fake.base + "/compat", "--model", "llama-x")
    run("provider", "add", "anth", "--kind", "anthropic", "--base-url", fake.base + "/anthropic",
        "--model", "claude-x", "--key-env", "FAKE_KEY")
    config = data / "config.toml"
    text = config.read_text()
    text = re.sub(r"(?m)^max_body_bytes = \d+", "max_body_bytes = 65536", text)
    text = text.replace('# [server.aliases]\n# fast = "openai/gpt-4.1-mini"', '[server.aliases]\nfast = "loc/llama-x"')
    assert 'fast = "loc/llama-x"' in text
    config.write_text(text)
    run.data = data
    run.env = env
    return run


@pytest.fixture
def server(hearth, hearth_bin):
    proc = subprocess.Popen(
        [str(hearth_bin), "--data-dir", str(hearth.data), "serve", "--listen", "127.0.0.1:0"],
        env=hearth.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line + proc.stderr.read()
        yield line.removeprefix("listening on ")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def token(hearth, name, *args):
    return hearth("token", "create", name, *args).stdout.strip()


def oai(url, key):
    return openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=20)


def anth(url, key):
    return anthropic.Anthropic(base_url=url, api_key=key, max_retries=0, timeout=20)


def gem(url, key, api_version=None):
    # The SDK sends the key as x-goog-api-key and does not retry unless asked; timeout in ms.
    options = genai_types.HttpOptions(base_url=url, timeout=20_000, api_version=api_version)
    return genai.Client(api_key=key, http_options=options)


def test_openai_chat_plain_and_streamed(hearth, server, fake):
    key = token(hearth, "editor")
    client = oai(server, key)
    fake.queue(Reply(text="Hello from upstream", chunks=3))
    done = client.chat.completions.create(model="loc/llama-x", messages=[{"role": "user", "content": "Say hi"}])
    assert done.choices[0].message.content == "Hello from upstream"
    assert done.choices[0].finish_reason == "stop"
    assert done.usage.prompt_tokens == 12
    sent = fake.requests[-1]
    assert "Say hi" in json.dumps(sent["body"])
    # The client's Hearth token never goes upstream.
    assert key not in json.dumps(sent)

    fake.queue(Reply(text="one two three", chunks=3))
    stream = client.chat.completions.create(
        model="fast", messages=[{"role": "user", "content": "count"}], stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "one two three"
    assert chunks[-1].usage.completion_tokens == 7


def test_openai_tools_pass_through(hearth, server, fake):
    client = oai(server, token(hearth, "tools"))
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
    fake.queue(Reply(tool_call=("get_weather", {"city": "Oslo"})))
    first = client.chat.completions.create(
        model="loc/llama-x", messages=[{"role": "user", "content": "weather?"}], tools=tools)
    call = first.choices[0].message.tool_calls[0]
    assert first.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Oslo"}
    assert fake.requests[-1]["body"]["tools"][0]["function"]["name"] == "get_weather"
    fake.queue(Reply(text="It rains in Oslo."))
    second = client.chat.completions.create(model="loc/llama-x", tools=tools, messages=[
        {"role": "user", "content": "weather?"},
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "rain"},
    ])
    assert second.choices[0].message.content == "It rains in Oslo."
    assert "rain" in json.dumps(fake.requests[-1]["body"])


def test_openai_responses_plain_and_streamed(hearth, server, fake):
    client = oai(server, token(hearth, "resp"))
    fake.queue(Reply(text="Responses work"))
    done = client.responses.create(model="loc/llama-x", input="hello", instructions="be brief")
    assert done.output_text == "Responses work"
    fake.queue(Reply(text="streamed answer", chunks=2))
    events = list(client.responses.create(model="loc/llama-x", input="hello", stream=True))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == "streamed answer"
    assert events[-1].type == "response.completed"


def test_anthropic_messages_plain_streamed_and_tools(hearth, server, fake):
    key = token(hearth, "claude-code")
    client = anth(server, key)
    fake.queue(Reply(text="Bonjour", chunks=2))
    message = client.messages.create(model="anth/claude-x", max_tokens=100,
                                     messages=[{"role": "user", "content": "Say hi in French"}])
    assert message.content[0].text == "Bonjour"
    assert message.stop_reason == "end_turn"
    sent = fake.requests[-1]
    # The upstream key comes from Hearth's configuration, not from the client.
    assert sent["headers"].get("x-api-key") == FAKE_KEY
    assert key not in json.dumps(sent)

    fake.queue(Reply(text="streaming works", chunks=3))
    with client.messages.stream(model="anth/claude-x", max_tokens=100,
                                messages=[{"role": "user", "content": "go"}]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "streaming works"
    assert final.usage.output_tokens == 7

    fake.queue(Reply(tool_call=("get_weather", {"city": "Oslo"})))
    tools = [{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]
    asked = client.messages.create(model="loc/llama-x", max_tokens=100, tools=tools,
                                   messages=[{"role": "user", "content": "weather?"}])
    assert asked.stop_reason == "tool_use"
    use = next(b for b in asked.content if b.type == "tool_use")
    assert use.name == "get_weather" and use.input == {"city": "Oslo"}


def test_upstream_errors_reach_the_sdks_typed(hearth, server, fake):
    key = token(hearth, "errs")
    fake.queue(Reply(status=400, error_body=json.dumps({"error": {"message": "context too weird", "type": "invalid_request_error"}})))
    with pytest.raises(openai.BadRequestError) as raised:
        oai(server, key).chat.completions.create(model="loc/llama-x", messages=[{"role": "user", "content": "x"}])
    assert "context too weird" in str(raised.value)
    fake.queue(Reply(status=400, error_body=json.dumps({"type": "error", "error": {"type": "invalid_request_error", "message": "bad input"}})))
    with pytest.raises(anthropic.BadRequestError):
        anth(server, key).messages.create(model="anth/claude-x", max_tokens=5, messages=[{"role": "user", "content": "x"}], stream=True)
    with pytest.raises(openai.NotFoundError):
        oai(server, key).chat.completions.create(model="nope/none", messages=[{"role": "user", "content": "x"}])


def test_models_are_listed_and_limited_per_token(hearth, server, fake):
    limited = token(hearth, "limited", "--models", "anth/*")
    ids = [m.id for m in oai(server, limited).models.list()]
    assert ids == ["anth/claude-x"]
    everything = [m.id for m in oai(server, token(hearth, "all")).models.list()]
    assert "loc/llama-x" in everything and "fast" in everything
    with pytest.raises(openai.PermissionDeniedError):
        oai(server, limited).chat.completions.create(model="loc/llama-x", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(anthropic.PermissionDeniedError):
        anth(server, limited).messages.create(model="fast", max_tokens=5, messages=[{"role": "user", "content": "x"}])


def test_no_wrong_or_revoked_token_is_refused(hearth, server, fake):
    # No token at all (the SDKs refuse to send none, so a plain HTTP client).
    missing = requests.get(server + "/v1/models", timeout=10)
    assert missing.status_code == 401
    assert missing.json()["error"]["type"] == "authentication_error"
    missing = requests.post(server + "/v1/messages", json={}, timeout=10)
    assert missing.status_code == 401
    assert missing.json()["error"]["type"] == "authentication_error"
    with pytest.raises(openai.AuthenticationError):
        oai(server, "hth_" + "0" * 64).models.list()
    with pytest.raises(anthropic.AuthenticationError):
        anth(server, "hth_wrong").messages.create(model="anth/claude-x", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    key = token(hearth, "temp")
    assert oai(server, key).models.list().data
    hearth("token", "revoke", "temp")
    # The server re-reads the token table at least every second.
    time.sleep(1.2)
    with pytest.raises(openai.AuthenticationError):
        oai(server, key).models.list()
    listed = json.loads(hearth("token", "list", "--json").stdout)
    assert [t["name"] for t in listed] == []


def test_lock_down_host_origin_and_body_size(hearth, server):
    key = token(hearth, "lock")
    auth = {"Authorization": f"Bearer {key}"}
    foreign_host = requests.get(server + "/v1/models", headers={**auth, "Host": "attacker.example"}, timeout=10)
    assert foreign_host.status_code == 421
    assert foreign_host.json()["error"]["code"] == "host_not_allowed"
    foreign_origin = requests.get(server + "/v1/models", headers={**auth, "Origin": "https://attacker.example"}, timeout=10)
    assert foreign_origin.status_code == 403
    assert "access-control-allow-origin" not in foreign_origin.headers
    big = requests.post(server + "/v1/messages", headers={"x-api-key": key},
                        json={"model": "anth/claude-x", "max_tokens": 5, "messages": [{"role": "user", "content": "x" * 100_000}]}, timeout=10)
    assert big.status_code == 413
    assert big.json()["type"] == "error"
    assert requests.get(server + "/v1/models", headers=auth, timeout=10).status_code == 200


def test_requests_are_in_the_action_log(hearth, server, fake):
    key = token(hearth, "audited")
    fake.queue(Reply(text="logged"))
    oai(server, key).chat.completions.create(model="loc/llama-x", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.AuthenticationError):
        oai(server, "hth_nope").models.list()
    for _ in range(50):
        lines = hearth("log", "--json").stdout.splitlines()
        entries = [json.loads(line) for line in lines]
        api = [e for e in entries if e.get("kind") == "api_request"]
        if len(api) >= 2 and all(e.get("status") != "pending" for e in api):
            break
        time.sleep(0.1)
    text = json.dumps(api)
    assert {"api": "audited"} in [e["actor"] for e in api]
    assert "loc/llama-x" in text
    assert any(e.get("status") == "denied" for e in api)
    assert key not in json.dumps(entries)


def test_non_loopback_listen_needs_allow_remote(hearth, hearth_bin):
    refused = subprocess.run(
        [str(hearth_bin), "--data-dir", str(hearth.data), "serve", "--listen", "0.0.0.0:0"],
        env=hearth.env, capture_output=True, text=True, timeout=20,
    )
    assert refused.returncode != 0
    assert "--allow-remote" in refused.stderr


def test_doctor_flags_unsafe_settings(hearth):
    ok = hearth("doctor", "--json", check=False)
    findings = {f["check"]: f for f in json.loads(ok.stdout)}
    assert findings["provider keys"]["level"] == "warn"  # anth uses key_env
    config = hearth.data / "config.toml"
    config.write_text(config.read_text().replace('listen = "127.0.0.1:8765"', 'listen = "0.0.0.0:8765"'))
    bad = hearth("doctor", check=False)
    assert bad.returncode != 0, bad.stdout + bad.stderr
    assert "UNSAFE local API" in bad.stdout


def test_gemini_sdk_lists_the_models_it_may_use(hearth, server):
    key = token(hearth, "gemini-lister")
    for version in (None, "v1beta"):
        client = gem(server, key, api_version=version)
        models = list(client.models.list())
        names = [m.name for m in models]
        assert "models/loc/llama-x" in names and "models/anth/claude-x" in names, (version, names)
        assert "generateContent" in (models[0].supported_actions or []), models[0]


def test_gemini_generate_plain_and_streamed(hearth, server, fake):
    key = token(hearth, "gemini-cli")
    client = gem(server, key)
    fake.queue(Reply(text="Hallo from upstream", chunks=3))
    # A PROVIDER/MODEL name: the SDK sends /v1/models/loc/llama-x:generateContent.
    done = client.models.generate_content(
        model="loc/llama-x", contents="Say hi",
        config=genai_types.GenerateContentConfig(system_instruction="be brief", max_output_tokens=50),
    )
    assert done.text == "Hallo from upstream"
    assert done.candidates[0].finish_reason == genai_types.FinishReason.STOP
    assert done.usage_metadata.prompt_token_count == 12
    assert done.usage_metadata.candidates_token_count == 7
    sent = fake.requests[-1]
    assert sent["path"].startswith("/compat/")
    assert "Say hi" in json.dumps(sent["body"]) and "be brief" in json.dumps(sent["body"])
    assert sent["body"]["max_tokens"] == 50 or sent["body"].get("max_completion_tokens") == 50
    assert key not in json.dumps(sent)

    # Streamed, through an Anthropic upstream.
    fake.queue(Reply(text="one two three", chunks=3))
    chunks = list(client.models.generate_content_stream(model="anth/claude-x", contents="count"))
    assert "".join(c.text or "" for c in chunks) == "one two three"
    assert len(chunks) >= 3
    assert chunks[-1].candidates[0].finish_reason == genai_types.FinishReason.STOP
    assert chunks[-1].usage_metadata.candidates_token_count == 7
    assert fake.requests[-1]["headers"].get("x-api-key") == FAKE_KEY

    # An alias works as the model name too, and so does v1beta (older SDKs' default).
    beta = gem(server, key, api_version="v1beta")
    fake.queue(Reply(text="aliased"))
    assert beta.models.generate_content(model="fast", contents="x").text == "aliased"


def test_gemini_tool_call_round_trip(hearth, server, fake):
    client = gem(server, token(hearth, "gemini-tools"))
    weather = genai_types.FunctionDeclaration(
        name="get_weather", description="Weather",
        parameters=genai_types.Schema(
            type=genai_types.Type.OBJECT,
            properties={"city": genai_types.Schema(type=genai_types.Type.STRING)},
            required=["city"],
        ),
    )
    config = genai_types.GenerateContentConfig(tools=[genai_types.Tool(function_declarations=[weather])])
    fake.queue(Reply(tool_call=("get_weather", {"city": "Oslo"})))
    asked = client.models.generate_content(model="loc/llama-x", contents="weather?", config=config)
    call = asked.function_calls[0]
    assert call.name == "get_weather"
    assert call.args == {"city": "Oslo"}
    sent_tool = fake.requests[-1]["body"]["tools"][0]["function"]
    assert sent_tool["name"] == "get_weather"
    assert sent_tool["parameters"]["properties"]["city"]["type"] == "string"

    fake.queue(Reply(text="It rains in Oslo."))
    history = [
        genai_types.Content(role="user", parts=[genai_types.Part(text="weather?")]),
        asked.candidates[0].content,
        genai_types.Content(role="user", parts=[
            genai_types.Part.from_function_response(name="get_weather", response={"result": "rain"}),
        ]),
    ]
    answer = client.models.generate_content(model="loc/llama-x", contents=history, config=config)
    assert answer.text == "It rains in Oslo."
    messages = fake.requests[-1]["body"]["messages"]
    assistant = next(m for m in messages if m["role"] == "assistant")
    result = next(m for m in messages if m["role"] == "tool")
    assert result["content"] == "rain"
    assert result["tool_call_id"] == assistant["tool_calls"][0]["id"]


def test_gemini_errors_are_in_gemini_format(hearth, server, fake):
    # Keep each client referenced: a dropped genai.Client closes its HTTP client.
    wrong = gem(server, "hth_wrong")
    with pytest.raises(genai_errors.ClientError) as raised:
        wrong.models.generate_content(model="loc/llama-x", contents="x")
    assert raised.value.code == 401
    assert raised.value.status == "UNAUTHENTICATED"
    missing = requests.post(server + "/v1beta/models/loc%2Fllama-x:generateContent",
                            json={"contents": [{"parts": [{"text": "x"}]}]}, timeout=10)
    assert missing.status_code == 401
    assert missing.json()["error"]["status"] == "UNAUTHENTICATED"
    client = gem(server, token(hearth, "gemini-errs"))
    with pytest.raises(genai_errors.ClientError) as raised:
        client.models.generate_content(model="nope/none", contents="x")
    assert raised.value.code == 404
    fake.queue(Reply(status=400, error_body=json.dumps({"error": {"message": "context too weird", "type": "invalid_request_error"}})))
    with pytest.raises(genai_errors.ClientError) as raised:
        list(client.models.generate_content_stream(model="loc/llama-x", contents="x"))
    assert raised.value.code == 400
    assert "context too weird" in raised.value.message


def test_openai_sdk_reasoning_effort_and_reasoning_content(hearth, server, fake):
    client = oai(server, token(hearth, "reasoner"))
    fake.queue(Reply(reasoning="Six times seven.", text="42"))
    done = client.chat.completions.create(
        model="loc/llama-x", messages=[{"role": "user", "content": "6*7?"}], reasoning_effort="high")
    message = done.choices[0].message
    assert message.content == "42"
    assert message.model_extra["reasoning_content"] == "Six times seven."
    assert fake.requests[-1]["body"]["reasoning_effort"] == "high"

    fake.queue(Reply(reasoning="Counting.", text="one two", chunks=2))
    chunks = list(client.chat.completions.create(
        model="loc/llama-x", messages=[{"role": "user", "content": "count"}], stream=True))
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    reasoning = "".join((d.model_extra or {}).get("reasoning_content") or "" for d in deltas)
    assert reasoning == "Counting."
    assert "".join(d.content or "" for d in deltas) == "one two"
    # Not asked for: nothing new goes upstream.
    assert "reasoning_effort" not in fake.requests[-1]["body"]

    fake.queue(Reply(reasoning="Greeting back.", text="Hello"))
    response = client.responses.create(
        model="loc/llama-x", input="hi", reasoning={"effort": "low", "summary": "auto"})
    assert [item.type for item in response.output] == ["reasoning", "message"]
    assert response.output[0].summary[0].text == "Greeting back."
    assert response.output_text == "Hello"
    assert fake.requests[-1]["body"]["reasoning_effort"] == "low"

    fake.queue(Reply(reasoning="Streaming thoughts.", text="Done"))
    events = list(client.responses.create(
        model="loc/llama-x", input="hi", reasoning={"effort": "medium"}, stream=True))
    summary = "".join(e.delta for e in events if e.type == "response.reasoning_summary_text.delta")
    assert summary == "Streaming thoughts."
    assert events[-1].response.output[0].type == "reasoning"


def test_anthropic_sdk_thinking_blocks_round_trip(hearth, server, fake):
    client = anth(server, token(hearth, "thinker"))
    thinking = {"type": "enabled", "budget_tokens": 2048}
    fake.queue(Reply(reasoning="Let me think in French.", text="Bonjour"))
    message = client.messages.create(model="anth/claude-x", max_tokens=4000, thinking=thinking,
                                     messages=[{"role": "user", "content": "Say hi in French"}])
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert message.content[0].thinking == "Let me think in French."
    # The Anthropic upstream's signature passes through.
    assert message.content[0].signature == "sig-fake"
    assert message.content[1].text == "Bonjour"
    sent = fake.requests[-1]["body"]
    assert sent["thinking"] == thinking and sent["max_tokens"] == 4000

    # The thinking block goes back upstream with its signature on the next turn.
    fake.queue(Reply(reasoning="Again.", text="Salut", chunks=2))
    history = [
        {"role": "user", "content": "Say hi in French"},
        {"role": "assistant", "content": [b.model_dump() for b in message.content]},
        {"role": "user", "content": "Once more"},
    ]
    with client.messages.stream(model="anth/claude-x", max_tokens=4000, thinking=thinking,
                                messages=history) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Salut"
    assert final.content[0].type == "thinking" and final.content[0].thinking == "Again."
    assert final.content[0].signature == "sig-fake"
    assistant = fake.requests[-1]["body"]["messages"][1]
    assert assistant["content"][0] == {"type": "thinking", "thinking": "Let me think in French.",
                                       "signature": "sig-fake"}

    # From a server that is not Anthropic: thinking with an empty signature.
    fake.queue(Reply(reasoning="Local thoughts.", text="Hei"))
    local = client.messages.create(model="loc/llama-x", max_tokens=4000, thinking=thinking,
                                   messages=[{"role": "user", "content": "hi"}])
    assert local.content[0].type == "thinking" and local.content[0].signature == ""
    assert fake.requests[-1]["body"]["reasoning_effort"] == "low"


def test_gemini_sdk_thoughts(hearth, server, fake):
    client = gem(server, token(hearth, "gemini-thinker"))
    config = genai_types.GenerateContentConfig(
        thinking_config=genai_types.ThinkingConfig(include_thoughts=True, thinking_budget=1024))
    fake.queue(Reply(reasoning="Thinking about Oslo.", text="It rains."))
    done = client.models.generate_content(model="loc/llama-x", contents="weather?", config=config)
    parts = done.candidates[0].content.parts
    assert parts[0].thought is True and parts[0].text == "Thinking about Oslo."
    assert done.text == "It rains."
    assert fake.requests[-1]["body"]["reasoning_effort"] == "low"

    fake.queue(Reply(reasoning="Streamed thought.", text="Sun", chunks=1))
    chunks = list(client.models.generate_content_stream(model="anth/claude-x", contents="x", config=config))
    thoughts = [p.text for c in chunks for p in (c.candidates[0].content.parts or []) if p.thought]
    assert thoughts == ["Streamed thought."]
    assert "".join(c.text or "" for c in chunks) == "Sun"
    assert fake.requests[-1]["body"]["thinking"] == {"type": "enabled", "budget_tokens": 1024}


def test_a_request_cut_by_a_kill_is_in_the_log_as_interrupted(hearth, hearth_bin, fake):
    """The begin record is on disk before the request is forwarded (the begin journal): a
    SIGKILL right after the first bytes still leaves the entry, marked interrupted at restart."""
    key = token(hearth, "killed")

    def serve():
        proc = subprocess.Popen(
            [str(hearth_bin), "--data-dir", str(hearth.data), "serve", "--listen", "127.0.0.1:0"],
            env=hearth.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line + proc.stderr.read()
        return proc, line.removeprefix("listening on ")

    proc, url = serve()
    # Anthropic's stream starts at once (message_start), then the text waits 10 s per chunk.
    fake.queue(Reply(text="never finished", chunks=3, chunk_delay=10.0))
    response = requests.post(url + "/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                             json={"model": "anth/claude-x", "stream": True,
                                   "messages": [{"role": "user", "content": "long answer"}]},
                             stream=True, timeout=20)
    assert response.status_code == 200
    next(response.iter_lines())  # the answer has started
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    response.close()

    proc, url = serve()
    try:
        for _ in range(100):
            entries = [json.loads(line) for line in hearth("log", "--json").stdout.splitlines()]
            api = [e for e in entries if e.get("kind") == "api_request"]
            if api and api[-1].get("status") == "interrupted":
                break
            time.sleep(0.1)
        assert [e["actor"] for e in api] == [{"api": "killed"}], api
        assert api[0]["status"] == "interrupted", api
        assert "anth/claude-x" in json.dumps(api[0])
        verified = hearth("log", "verify", check=False)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
