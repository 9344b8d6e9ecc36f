// Finds the compose surface an event happened in: the editing host and the site profile that
// describes it. Resolved from the event's own target, never by a page-wide query (X can show two
// `tweetTextarea_0` at once).

import { GENERIC_HOSTS, hostSelectorOf, type SiteProfile, type SurfaceProfile } from "./sites";

export interface SurfaceRef {
  host: HTMLElement;
  /** The matching profile; undefined for an editor family on a page no profile describes. */
  profile?: SurfaceProfile;
  textarea: boolean;
}

/** The editing host containing `target`: a profiled textarea or the outermost contenteditable. */
export function editingHost(target: EventTarget | null): HTMLElement | null {
  if (target instanceof HTMLTextAreaElement) return target;
  if (!(target instanceof Node)) return null;
  let el: HTMLElement | null = target instanceof HTMLElement ? target : target.parentElement;
  if (!el || !el.isContentEditable) return null;
  while (el.parentElement?.isContentEditable) el = el.parentElement;
  return el;
}

export function classify(host: HTMLElement, site: SiteProfile | undefined): SurfaceRef | null {
  const textarea = host instanceof HTMLTextAreaElement;
  for (const profile of site?.surfaces ?? []) {
    if (matches(host, profile)) return { host, profile, textarea };
  }
  // Unknown textareas (search fields, forms) are not posts; unknown rich editors may be.
  if (!textarea && host.matches(GENERIC_HOSTS)) return { host, textarea };
  return null;
}

function matches(host: HTMLElement, p: SurfaceProfile): boolean {
  if (!host.matches(p.host)) return false;
  if (p.within && !host.closest(p.within)) return false;
  if (p.labels) {
    const label = host.getAttribute("aria-label") ?? host.getAttribute("aria-placeholder") ?? "";
    if (!p.labels.some((l) => label.startsWith(l))) return false;
  }
  return true;
}

/** Every host selector of a site, to find pre-filled drafts among added nodes. */
export function hostSelector(site: SiteProfile | undefined): string {
  const own = site?.surfaces.map(hostSelectorOf) ?? [];
  return [...own, GENERIC_HOSTS].join(", ");
}
