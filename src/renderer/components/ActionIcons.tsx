/** Line icons for the home screen's three big actions; decorative (the label names the action). */

const common = {
  width: 56,
  height: 56,
  viewBox: '0 0 48 48',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 3,
  strokeLinecap: 'round' as const,
  strokeLinejoin: 'round' as const,
  'aria-hidden': true,
  focusable: false,
};

/** A parcel coming out of an open compartment. */
export function PickupIcon() {
  return (
    <svg {...common}>
      <rect x="6" y="6" width="36" height="36" rx="4" />
      <path d="M14 26h20v12H14z" />
      <path d="M24 10v10m-5-5 5 5 5-5" />
    </svg>
  );
}

/** A parcel going back: a box with a return arrow. */
export function ReturnIcon() {
  return (
    <svg {...common}>
      <path d="M10 18l14-8 14 8v16l-14 8-14-8z" />
      <path d="M10 18l14 8 14-8M24 26v16" />
      <path d="M6 8h8m-8 0 4-4m-4 4 4 4" />
    </svg>
  );
}

/** A delivery van. */
export function CourierIcon() {
  return (
    <svg {...common}>
      <path d="M4 12h24v22H4zM28 20h9l7 8v6H28z" />
      <circle cx="12" cy="36" r="4" />
      <circle cx="36" cy="36" r="4" />
    </svg>
  );
}
