import { useId, type TextareaHTMLAttributes } from 'react';

/** A labelled multi-line field (notes, order bodies), tied to its label like Field. */
export function TextArea(props: { label: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { label, ...area } = props;
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={4} {...area} />
    </div>
  );
}
