import { useId, useRef, useState, type DragEvent } from 'react';
import './DropZone.css';

/**
 * A place to drop files, built around a real `<input type="file" multiple>`: keyboard
 * and screen-reader users choose files through the input, everyone else may also drag
 * them onto the zone. Hands the files over and clears the input for the next choice.
 */
export function DropZone(props: {
  label: string;
  hint?: string;
  disabled?: boolean;
  onFiles: (files: File[]) => void;
}) {
  const inputId = useId();
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const hand = (files: FileList | null) => {
    const list = Array.from(files ?? []);
    if (list.length > 0) props.onFiles(list);
    if (input.current) input.current.value = '';
  };

  return (
    <div
      className={`drop-zone${over ? ' drop-zone-over' : ''}${props.disabled ? ' drop-zone-disabled' : ''}`}
      data-testid="drop-zone"
      onDragEnter={(e) => {
        if (!hasFiles(e) || props.disabled) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e) || props.disabled) return;
        // Without this the browser would open the file in the tab instead of dropping it here.
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (!props.disabled) hand(e.dataTransfer.files);
      }}
    >
      <p className="drop-zone-text" aria-hidden="true">
        Drop files here
      </p>
      <div className="field">
        <label htmlFor={inputId}>{props.label}</label>
        <input
          id={inputId}
          ref={input}
          type="file"
          name="file"
          multiple
          disabled={props.disabled}
          aria-describedby={props.hint ? hintId : undefined}
          onChange={(e) => hand(e.target.files)}
        />
      </div>
      {props.hint && (
        <p id={hintId} className="hint">
          {props.hint}
        </p>
      )}
    </div>
  );
}
