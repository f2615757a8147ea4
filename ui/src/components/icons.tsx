// A small set of line icons (inline SVG, 16 px, currentColor).
import type { ReactNode, SVGProps } from "react";

function Icon({ children, size = 16, ...rest }: SVGProps<SVGSVGElement> & { size?: number; children: ReactNode }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      {children}
    </svg>
  );
}

type P = SVGProps<SVGSVGElement> & { size?: number };

export const SearchIcon = (p: P) => (
  <Icon {...p}><circle cx="7" cy="7" r="4.5" /><path d="M10.5 10.5 14 14" /></Icon>
);
export const PlusIcon = (p: P) => (<Icon {...p}><path d="M8 3v10M3 8h10" /></Icon>);
export const GearIcon = (p: P) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="2.2" />
    <path d="M8 1.5v1.8M8 12.7v1.8M1.5 8h1.8M12.7 8h1.8M3.4 3.4l1.3 1.3M11.3 11.3l1.3 1.3M3.4 12.6l1.3-1.3M11.3 4.7l1.3-1.3" />
  </Icon>
);
export const PinIcon = (p: P) => (<Icon {...p}><path d="M6 2h4l-.5 4 2.5 2H4l2.5-2L6 2ZM8 8v6" /></Icon>);
export const MoreIcon = (p: P) => (
  <Icon {...p}><circle cx="3.5" cy="8" r=".6" /><circle cx="8" cy="8" r=".6" /><circle cx="12.5" cy="8" r=".6" /></Icon>
);
export const CopyIcon = (p: P) => (
  <Icon {...p}><rect x="5.5" y="5.5" width="8" height="8" rx="1.5" /><path d="M10.5 5.5V4A1.5 1.5 0 0 0 9 2.5H4A1.5 1.5 0 0 0 2.5 4v5A1.5 1.5 0 0 0 4 10.5h1.5" /></Icon>
);
export const RefreshIcon = (p: P) => (
  <Icon {...p}><path d="M13 8a5 5 0 1 1-1.5-3.6M13 2.5v3h-3" /></Icon>
);
export const EditIcon = (p: P) => (<Icon {...p}><path d="M10.5 2.5l3 3L6 13H3v-3l7.5-7.5Z" /></Icon>);
export const ChevronLeft = (p: P) => (<Icon {...p}><path d="M10 3.5 5.5 8 10 12.5" /></Icon>);
export const ChevronRight = (p: P) => (<Icon {...p}><path d="M6 3.5 10.5 8 6 12.5" /></Icon>);
export const ChevronDown = (p: P) => (<Icon {...p}><path d="M3.5 6 8 10.5 12.5 6" /></Icon>);
export const PanelIcon = (p: P) => (
  <Icon {...p}><rect x="2" y="2.5" width="12" height="11" rx="1.5" /><path d="M10 2.5v11" /></Icon>
);
export const StopIcon = (p: P) => (<Icon {...p}><rect x="4" y="4" width="8" height="8" rx="1.5" fill="currentColor" /></Icon>);
export const SendIcon = (p: P) => (<Icon {...p}><path d="M8 13V3M3.5 7.5 8 3l4.5 4.5" /></Icon>);
export const CheckIcon = (p: P) => (<Icon {...p}><path d="m3 8.5 3 3 7-7" /></Icon>);
export const XIcon = (p: P) => (<Icon {...p}><path d="M4 4l8 8M12 4l-8 8" /></Icon>);
export const AlertIcon = (p: P) => (
  <Icon {...p}><path d="M8 2 14.5 13.5h-13L8 2Z" /><path d="M8 6.5v3M8 11.5v.01" /></Icon>
);
export const ToolIcon = (p: P) => (
  <Icon {...p}><path d="M9.5 2.5a3 3 0 0 0 3.8 3.8L7 12.6a1.4 1.4 0 0 1-2-2l6.3-6.3" /></Icon>
);
export const ShieldIcon = (p: P) => (<Icon {...p}><path d="M8 1.8 13 3.6v4c0 3-2.2 5.3-5 6.6-2.8-1.3-5-3.6-5-6.6v-4L8 1.8Z" /></Icon>);
export const PauseIcon = (p: P) => (<Icon {...p}><path d="M6 4v8M10 4v8" /></Icon>);
export const ArchiveIcon = (p: P) => (
  <Icon {...p}><rect x="2" y="3" width="12" height="3" rx="1" /><path d="M3 6v6.5A1.5 1.5 0 0 0 4.5 14h7a1.5 1.5 0 0 0 1.5-1.5V6M6.5 9h3" /></Icon>
);
export const TrashIcon = (p: P) => (<Icon {...p}><path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 9h5.8l.6-9" /></Icon>);
export const SparkIcon = (p: P) => (<Icon {...p}><path d="M8 2v3M8 11v3M2 8h3M11 8h3M4 4l1.8 1.8M10.2 10.2 12 12M4 12l1.8-1.8M10.2 5.8 12 4" /></Icon>);
export const ExternalIcon = (p: P) => (<Icon {...p}><path d="M9 3h4v4M13 3 7.5 8.5M11 9.5V13H3V5h3.5" /></Icon>);
export const BanIcon = (p: P) => (<Icon {...p}><circle cx="8" cy="8" r="5.5" /><path d="M4.2 11.8l7.6-7.6" /></Icon>);
