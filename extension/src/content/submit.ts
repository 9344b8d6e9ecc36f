// Which submit control an event hit, and which editor it posts. Both are resolved structurally,
// from the element itself up to the nearest ancestor holding the other, never by a page-wide
// query: X keeps a second `tweetTextarea_0` under its compose modal.

import { hostSelectorOf, type SiteProfile, type SurfaceProfile } from "./sites";

export interface Control {
  control: HTMLElement;
  profile: SurfaceProfile;
}

/**
 * The submit control `target` is inside, with each surface profile it may belong to (X's post
 * button serves the Draft composer and the mobile textarea alike: the editor decides).
 */
export function submitControls(target: Element, site: SiteProfile | undefined): Control[] {
  const found: Control[] = [];
  for (const profile of site?.surfaces ?? []) {
    const control = target.closest<HTMLElement>(profile.submit);
    if (control && labelled(control, profile)) found.push({ control, profile });
  }
  return found;
}

function labelled(control: HTMLElement, profile: SurfaceProfile): boolean {
  if (!profile.submitLabels) return true;
  const label = control.getAttribute("aria-label") ?? "";
  return profile.submitLabels.includes(label);
}

export function disabled(control: HTMLElement): boolean {
  return control.matches(':disabled, [aria-disabled="true"]');
}

const rendered = (e: Element) => e.getClientRects().length > 0;

/** The editor a control posts: the nearest one around it; `preferred` breaks ties. */
export function editorOf(control: HTMLElement, profile: SurfaceProfile, preferred?: HTMLElement): HTMLElement | undefined {
  const selector = hostSelectorOf(profile);
  for (let a = control.parentElement; a; a = a.parentElement) {
    const found = [...a.querySelectorAll<HTMLElement>(selector)].filter(rendered);
    if (found.length === 1) return found[0];
    if (found.length > 1) return preferred && found.includes(preferred) ? preferred : undefined;
  }
  return undefined;
}

/** The enabled submit control nearest an editor, for releasing a post made with the keyboard. */
export function controlOf(host: HTMLElement, profile: SurfaceProfile): HTMLElement | undefined {
  for (let a = host.parentElement; a; a = a.parentElement) {
    const found = [...a.querySelectorAll<HTMLElement>(profile.submit)].filter(
      (c) => labelled(c, profile) && rendered(c),
    );
    if (found.length > 0) return found[0];
  }
  return undefined;
}

/** Is this surface a reply to someone (where a cool-down may apply)? */
export function isReply(host: HTMLElement, profile: SurfaceProfile | undefined): boolean {
  if (!profile?.reply) return false;
  return profile.reply === true || host.closest(profile.reply) !== null;
}
