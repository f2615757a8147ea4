// The left pane: search (Ctrl/Cmd+K), new chat, conversations (pinned first, then by time),
// settings, the agent switch and the version.
import { forwardRef, memo, useEffect, useImperativeHandle, useMemo, useRef, useState } from "react";
import { commands, errorMessage, type Conversation, type SearchHit } from "../ipc";
import { groupConversations, when } from "../lib/format";
import { Snippet } from "../lib/snippet";
import { useApp } from "../state/app";
import { useStreamingConversations } from "../state/streams";
import { Menu } from "./Menu";
import { ArchiveIcon, EditIcon, GearIcon, MoreIcon, PinIcon, PlusIcon, SearchIcon, TrashIcon, XIcon } from "./icons";

export interface SidebarHandle {
  focusSearch: () => void;
}

interface Props {
  conversations: Conversation[] | null;
  selected: string | null;
  onSelect: (id: string | null) => void;
  onNewChat: () => void;
  onChanged: () => void;
}

const isMac = typeof navigator !== "undefined" && /Mac/.test(navigator.platform);
const MOD = isMac ? "⌘" : "Ctrl+";

const Row = memo(function Row({
  c,
  active,
  renaming,
  live,
  waiting,
  onSelect,
  onMenu,
  onRename,
}: {
  c: Conversation;
  active: boolean;
  renaming: boolean;
  /** Being answered right now. */
  live: boolean;
  /** An approval waits here. */
  waiting: boolean;
  onSelect: (id: string) => void;
  onMenu: (c: Conversation, x: number, y: number) => void;
  onRename: (c: Conversation, title: string | null) => void;
}) {
  const [draft, setDraft] = useState(c.title);
  if (renaming) {
    return (
      <li className="conv-row renaming">
        <input
          className="input conv-rename"
          autoFocus
          value={draft}
          aria-label="Conversation title"
          onChange={(e) => setDraft(e.target.value)}
          onFocus={(e) => e.currentTarget.select()}
          onBlur={() => onRename(c, draft)}
          onKeyDown={(e) => {
            if (e.key === "Enter") onRename(c, draft);
            if (e.key === "Escape") {
              e.stopPropagation();
              onRename(c, null);
            }
          }}
        />
      </li>
    );
  }
  return (
    <li className={`conv-row ${active ? "active" : ""}`}>
      <button
        type="button"
        className="conv-link"
        data-testid="conversation"
        data-conversation-id={c.id}
        aria-current={active ? "page" : undefined}
        onClick={() => onSelect(c.id)}
        onContextMenu={(e) => {
          e.preventDefault();
          onMenu(c, e.clientX, e.clientY);
        }}
        title={c.title}
      >
        {c.pinned && <PinIcon size={12} className="conv-pin" />}
        <span className="conv-title">{c.title || "Untitled"}</span>
        {waiting ? (
          <span className="conv-flag waiting" role="img" title="Waiting for your approval" aria-label="waiting for your approval" />
        ) : live ? (
          <span className="conv-flag live" role="img" title="Answering…" aria-label="answering" />
        ) : null}
      </button>
      <button
        type="button"
        className="icon-btn conv-more"
        aria-label={`More actions for ${c.title}`}
        aria-haspopup="menu"
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          onMenu(c, r.left, r.bottom + 2);
        }}
      >
        <MoreIcon size={14} />
      </button>
    </li>
  );
});

export const Sidebar = forwardRef<SidebarHandle, Props>(function Sidebar({ conversations, selected, onSelect, onNewChat, onChanged }, ref) {
  const app = useApp();
  const search = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [menu, setMenu] = useState<{ c: Conversation; x: number; y: number } | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useImperativeHandle(ref, () => ({
    focusSearch: () => {
      search.current?.focus();
      search.current?.select();
    },
  }));

  // Regroup at least every few minutes (Today becomes Yesterday at midnight).
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5 * 60_000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => setNow(Date.now()), [conversations]);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits(null);
      setSearchError(null);
      return;
    }
    let stale = false;
    const t = setTimeout(() => {
      commands.searchHistory({ text: q, limit: 50 }).then(
        (h) => !stale && (setHits(h), setSearchError(null)),
        (e) => !stale && setSearchError(errorMessage(e)),
      );
    }, 120);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [query]);

  const groups = useMemo(() => groupConversations(conversations ?? [], now), [conversations, now]);
  const streaming = useStreamingConversations();
  const waitingIn = useMemo(() => new Set(app.approvals.map((a) => a.conversation_id ?? "")), [app.approvals]);

  const act = (p: Promise<unknown>) =>
    p.then(onChanged, (e) => app.toast({ text: errorMessage(e), tone: "error" }));

  const onRename = (c: Conversation, title: string | null) => {
    setRenaming(null);
    if (title !== null && title.trim() && title.trim() !== c.title) void act(commands.renameConversation(c.id, title.trim()));
  };

  const remove = (c: Conversation) => {
    void commands.deleteConversation(c.id).then(
      () => {
        if (selected === c.id) onSelect(null);
        onChanged();
        app.toast({
          text: `Deleted “${c.title}”`,
          action: { label: "Undo", run: () => void act(commands.restoreConversation(c.id)) },
        });
      },
      (e) => app.toast({ text: errorMessage(e), tone: "error" }),
    );
  };

  const archive = (c: Conversation) => {
    void commands.setArchived(c.id, !c.archived).then(() => {
      if (selected === c.id && !c.archived) onSelect(null);
      onChanged();
      app.toast({ text: `Archived “${c.title}”`, action: { label: "Undo", run: () => void act(commands.setArchived(c.id, false)) } });
    }, (e) => app.toast({ text: errorMessage(e), tone: "error" }));
  };

  return (
    <nav className="sidebar" aria-label="Conversations">
      <div className="sidebar-top">
        <div className="search">
          <SearchIcon className="search-icon" />
          <input
            ref={search}
            className="search-input"
            data-testid="search"
            type="search"
            placeholder="Search"
            aria-label={`Search conversations (${MOD}K)`}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                e.stopPropagation();
                setQuery("");
                search.current?.blur();
              } else if (e.key === "Enter" && hits?.[0]) {
                onSelect(hits[0].conversation_id);
              }
            }}
          />
          {query ? (
            <button type="button" className="icon-btn search-clear" aria-label="Clear search" onClick={() => setQuery("")}>
              <XIcon size={12} />
            </button>
          ) : (
            <kbd className="search-kbd">{MOD}K</kbd>
          )}
        </div>
        <button type="button" className="new-chat" data-testid="new-chat" aria-label={`New chat (${MOD}N)`} onClick={onNewChat}>
          <PlusIcon />
          <span>New chat</span>
          <kbd>{MOD}N</kbd>
        </button>
      </div>

      <div className="sidebar-list">
        {hits !== null || searchError ? (
          <div className="search-results" role="region" aria-label="Search results" data-testid="search-results">
            {searchError && <p className="muted pad">{searchError}</p>}
            {hits && hits.length === 0 && <p className="muted pad">No matches for “{query.trim()}”.</p>}
            <ul>
              {hits?.map((h) => (
                <li key={`${h.conversation_id}:${h.message_id ?? "title"}`}>
                  <button type="button" className="hit" data-testid="search-hit" onClick={() => onSelect(h.conversation_id)}>
                    <span className="hit-title">
                      <span className="hit-title-text">{h.conversation_title}</span>
                      <span className="hit-when">{when(h.created_at)}</span>
                    </span>
                    <span className="hit-snippet">
                      <Snippet text={h.snippet} />
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : conversations && conversations.length === 0 ? (
          <p className="muted pad" data-testid="no-conversations">
            No conversations yet. Start one with <strong>New chat</strong> — or try one of the examples.
          </p>
        ) : (
          groups.map(([group, list]) => (
            <section key={group} className="conv-group" aria-label={group}>
              <h2 className="group-title" data-testid="group-title">
                {group}
              </h2>
              <ul>
                {list.map((c) => (
                  <Row
                    key={c.id}
                    c={c}
                    active={c.id === selected}
                    renaming={renaming === c.id}
                    live={streaming.has(c.id)}
                    waiting={waitingIn.has(c.id)}
                    onSelect={onSelect}
                    onMenu={(conv, x, y) => setMenu({ c: conv, x, y })}
                    onRename={onRename}
                  />
                ))}
              </ul>
            </section>
          ))
        )}
      </div>

      <div className="sidebar-bottom">
        <button type="button" className="side-btn" data-testid="open-settings" aria-label="Settings" onClick={() => app.openSettings("providers")}>
          <GearIcon />
          <span>Settings</span>
        </button>
        <label className={`agent-switch ${app.paused ? "paused" : "on"}`} title={app.paused ? "The agent is paused: no tool runs." : "The agent may use tools (within your permissions)."}>
          <span className="agent-dot" aria-hidden="true" />
          <span className="agent-label">{app.paused ? "Agent paused" : "Agent on"}</span>
          <input
            type="checkbox"
            role="switch"
            className="switch"
            data-testid="agent-switch"
            aria-label="Agent on (uncheck to pause all tools)"
            checked={!app.paused}
            onChange={(e) => void app.setPaused(!e.target.checked)}
          />
        </label>
        <div className="version-line">
          Hearth <span id="app-version">{app.info?.version ?? ""}</span>
        </div>
      </div>

      {menu && (
        <Menu
          x={menu.x}
          y={menu.y}
          label={`Actions for ${menu.c.title}`}
          onClose={() => setMenu(null)}
          sections={[
            {
              items: [
                { label: "Rename", icon: <EditIcon size={14} />, testId: "conv-rename", onSelect: () => setRenaming(menu.c.id) },
                { label: menu.c.pinned ? "Unpin" : "Pin", icon: <PinIcon size={14} />, testId: "conv-pin", onSelect: () => void act(commands.setPinned(menu.c.id, !menu.c.pinned)) },
                { label: menu.c.archived ? "Unarchive" : "Archive", icon: <ArchiveIcon size={14} />, testId: "conv-archive", onSelect: () => archive(menu.c) },
              ],
            },
            { items: [{ label: "Delete", icon: <TrashIcon size={14} />, danger: true, testId: "conv-delete", onSelect: () => remove(menu.c) }] },
          ]}
        />
      )}
    </nav>
  );
});
