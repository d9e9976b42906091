// Small inline icons (decorative: always aria-hidden). currentColor so they follow the text colour.
import type { SVGProps } from 'react';

type IconProps = SVGProps<SVGSVGElement>;

const base = {
  width: 16,
  height: 16,
  viewBox: '0 0 16 16',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.5,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
  focusable: false,
} as const;

export const CheckIcon = (props: IconProps) => (
  <svg {...base} {...props}>
    <path d="M3.5 8.5l3 3 6-7" />
  </svg>
);

export const CloseIcon = (props: IconProps) => (
  <svg {...base} {...props}>
    <path d="M4 4l8 8M12 4l-8 8" />
  </svg>
);

export const DotIcon = (props: IconProps) => (
  <svg {...base} {...props}>
    <circle cx="8" cy="8" r="3" fill="currentColor" stroke="none" />
  </svg>
);

/** Up/down arrows; `sorted` dims the inactive one. */
export const SortIcon = ({ sorted, ...props }: IconProps & { sorted: 'asc' | 'desc' | false }) => (
  <svg {...base} {...props}>
    <path d="M5 6.5L8 3.5l3 3" opacity={sorted === 'desc' ? 0.3 : 1} />
    <path d="M5 9.5l3 3 3-3" opacity={sorted === 'asc' ? 0.3 : 1} />
  </svg>
);

/** A chevron pointing to the inline start; CSS flips it in RTL. */
export const ChevronStartIcon = (props: IconProps) => (
  <svg {...base} {...props} data-au-flip="">
    <path d="M10 3.5L5.5 8l4.5 4.5" />
  </svg>
);

export const ChevronEndIcon = (props: IconProps) => (
  <svg {...base} {...props} data-au-flip="">
    <path d="M6 3.5L10.5 8 6 12.5" />
  </svg>
);

export const ChevronsStartIcon = (props: IconProps) => (
  <svg {...base} {...props} data-au-flip="">
    <path d="M8 3.5L3.5 8 8 12.5M12.5 3.5L8 8l4.5 4.5" />
  </svg>
);

export const ChevronsEndIcon = (props: IconProps) => (
  <svg {...base} {...props} data-au-flip="">
    <path d="M3.5 3.5L8 8l-4.5 4.5M8 3.5L12.5 8 8 12.5" />
  </svg>
);

export const ColumnsIcon = (props: IconProps) => (
  <svg {...base} {...props}>
    <rect x="2.5" y="3" width="11" height="10" rx="1.5" />
    <path d="M6.2 3v10M9.8 3v10" />
  </svg>
);

export const SearchIcon = (props: IconProps) => (
  <svg {...base} {...props}>
    <circle cx="7" cy="7" r="4.25" />
    <path d="M10.2 10.2L13.5 13.5" />
  </svg>
);
