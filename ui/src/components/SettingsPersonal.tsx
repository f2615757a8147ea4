// Settings → Calendar & mail: calendar paths, mail folders, the sender and the SMTP account. The
// SMTP password is sent once and never shown again: only "Stored" / "Not set".
import { useEffect, useState } from "react";
import { commands, errorMessage, type PersonalPatch, type PersonalSettings } from "../ipc";

type Security = PersonalSettings["smtp"]["security"];

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

function PasswordControl({ settings, onChanged }: { settings: PersonalSettings; onChanged: (s: PersonalSettings) => void }) {
  const [editing, setEditing] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const stored = settings.smtp.password_stored;
  const done = (p: Promise<PersonalSettings>) =>
    p.then(
      (s) => {
        setEditing(false);
        setError(null);
        onChanged(s);
      },
      (e) => setError(errorMessage(e)),
    );
  return (
    <div className="key-block">
      {editing ? (
        <form
          className="key-form"
          onSubmit={(e) => {
            e.preventDefault();
            const p = password;
            setPassword("");
            void done(commands.setSmtpPassword(p));
          }}
        >
          <input className="input mono" type="password" autoComplete="off" spellCheck={false} autoFocus value={password} aria-label="SMTP password" data-testid="smtp-password-input" onChange={(e) => setPassword(e.target.value)} />
          <button type="submit" className="btn btn-small btn-primary" data-testid="smtp-password-save" disabled={!password}>
            Save password
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => (setEditing(false), setPassword(""))}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="key-line">
          <span className={`key-status ${stored ? "present" : "absent"}`} data-testid="smtp-password-status">
            {stored ? "Stored in the keychain" : "Not set"}
          </span>
          <button type="button" className="btn btn-small" data-testid="smtp-password-set" onClick={() => setEditing(true)}>
            {stored ? "Replace password" : "Set password"}
          </button>
          {stored && (
            <button
              type="button"
              className="btn btn-small btn-ghost-danger"
              data-testid="smtp-password-delete"
              onClick={() => {
                if (!window.confirm("Remove the SMTP password from the keychain?")) return;
                void done(commands.deleteSmtpPassword());
              }}
            >
              Remove
            </button>
          )}
        </div>
      )}
      {settings.smtp.keychain_error && (
        <p className="key-warning" role="alert">
          {settings.smtp.keychain_error}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function PersonalForm({ settings, onSaved }: { settings: PersonalSettings; onSaved: (s: PersonalSettings) => void }) {
  const [calendars, setCalendars] = useState(settings.calendar_paths.join("\n"));
  const [timezone, setTimezone] = useState(settings.timezone ?? "");
  const [maildirs, setMaildirs] = useState(settings.maildirs.join("\n"));
  const [from, setFrom] = useState(settings.from ?? "");
  const [host, setHost] = useState(settings.smtp.host);
  const [port, setPort] = useState(String(settings.smtp.port));
  const [security, setSecurity] = useState<Security>(settings.smtp.security);
  const [username, setUsername] = useState(settings.smtp.username ?? "");
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="form"
      data-testid="personal-form"
      onSubmit={(e) => {
        e.preventDefault();
        const portNumber = Number(port);
        if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
          setError("The port is a number from 1 to 65535.");
          return;
        }
        const patch: PersonalPatch = {
          calendar_paths: lines(calendars),
          timezone: timezone.trim(),
          maildirs: lines(maildirs),
          from: from.trim(),
          smtp_host: host.trim(),
          smtp_port: portNumber,
          smtp_security: security,
          smtp_username: username.trim(),
        };
        commands.setPersonalSettings(patch).then(
          (s) => {
            setError(null);
            setStatus("Saved.");
            onSaved(s);
          },
          (err) => (setStatus(null), setError(errorMessage(err))),
        );
      }}
    >
      <h3>Calendar</h3>
      <label className="field">
        <span>Calendars</span>
        <textarea className="input mono" rows={3} value={calendars} placeholder="~/.calendars/personal" data-testid="personal-calendars" onChange={(e) => setCalendars(e.target.value)} />
        <small className="muted">One per line: a vdir folder, a folder of them, or an .ics file. New events go to the first.</small>
      </label>
      <label className="field">
        <span>Time zone</span>
        <input className="input mono" value={timezone} placeholder="System time zone (e.g. Europe/Berlin)" data-testid="personal-timezone" onChange={(e) => setTimezone(e.target.value)} />
      </label>
      <h3>Mail</h3>
      <label className="field">
        <span>Mail folders</span>
        <textarea className="input mono" rows={3} value={maildirs} placeholder="~/Mail/personal" data-testid="personal-maildirs" onChange={(e) => setMaildirs(e.target.value)} />
        <small className="muted">One Maildir (or folder of Maildirs) per line, as mbsync or offlineimap keep them.</small>
      </label>
      <label className="field">
        <span>From</span>
        <input className="input" value={from} placeholder="Ada Lovelace <ada@example.org>" data-testid="personal-from" onChange={(e) => setFrom(e.target.value)} />
      </label>
      <h3>Outgoing server (SMTP)</h3>
      <label className="field">
        <span>Host</span>
        <input className="input mono" value={host} placeholder="smtp.example.org" data-testid="smtp-host" onChange={(e) => setHost(e.target.value)} />
      </label>
      <div className="inline-form">
        <label className="field">
          <span>Port</span>
          <input className="input mono" inputMode="numeric" value={port} data-testid="smtp-port" onChange={(e) => setPort(e.target.value)} />
        </label>
        <label className="field">
          <span>Security</span>
          <select className="select" value={security} data-testid="smtp-security" onChange={(e) => setSecurity(e.target.value as Security)}>
            <option value="starttls">STARTTLS</option>
            <option value="tls">TLS</option>
            <option value="plain">None (localhost only)</option>
          </select>
        </label>
      </div>
      <label className="field">
        <span>Username</span>
        <input className="input mono" value={username} autoComplete="off" data-testid="smtp-username" onChange={(e) => setUsername(e.target.value)} />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {status && (
        <p className="muted" role="status">
          {status}
        </p>
      )}
      <div className="form-buttons">
        <button type="submit" className="btn btn-primary" data-testid="personal-save">
          Save
        </button>
      </div>
    </form>
  );
}

export function SettingsPersonal() {
  const [settings, setSettings] = useState<PersonalSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    commands.getPersonalSettings().then(setSettings, (e) => setError(errorMessage(e)));
  }, []);
  return (
    <div className="settings-section">
      <h2>Calendar & mail</h2>
      <p className="muted">Hearth reads the calendars and mail your sync tools keep on disk. Nothing is sent without your approval.</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {settings && (
        <>
          <PersonalForm settings={settings} onSaved={setSettings} />
          <h3>SMTP password</h3>
          {settings.smtp.host && settings.smtp.username ? (
            <PasswordControl settings={settings} onChanged={setSettings} />
          ) : (
            <p className="muted small">Save a host and username first; the password is kept in the OS keychain for that account.</p>
          )}
        </>
      )}
    </div>
  );
}
