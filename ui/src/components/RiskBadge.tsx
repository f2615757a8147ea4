import type { Risk } from "../ipc";

const LABEL: Record<Risk, string> = { read: "read", write: "write", execute: "execute", network: "network", send: "send" };

/** A risk class: read is neutral, write amber, execute/network/send red. */
export function RiskBadge({ risk }: { risk: Risk }) {
  return (
    <span className={`risk risk-${risk}`} title={`Risk: ${LABEL[risk]}`}>
      {LABEL[risk]}
    </span>
  );
}
