// The caret of an editor, kept across something that takes focus away (our card, our dialog).

/**
 * Remembers the caret in `host` (a textarea or an editing host); the returned function focuses
 * `host` and puts the caret back. A range the editor has since re-rendered away is left alone.
 */
export function saveCaret(host: HTMLElement): () => void {
  if (host instanceof HTMLTextAreaElement) {
    const { selectionStart, selectionEnd } = host;
    return () => {
      host.focus({ preventScroll: true });
      host.setSelectionRange(selectionStart, selectionEnd);
    };
  }
  const selection = getSelection();
  const range = selection && selection.rangeCount > 0 && host.contains(selection.anchorNode)
    ? selection.getRangeAt(0).cloneRange()
    : undefined;
  return () => {
    host.focus({ preventScroll: true });
    if (range && host.contains(range.startContainer)) {
      const now = getSelection();
      now?.removeAllRanges();
      now?.addRange(range);
    }
  };
}
