import MarkdownIt from 'markdown-it';
import { useMemo } from 'react';

/**
 * Markdown for notes, rendered safely: raw HTML is off (tags are shown as text), links work
 * only to https addresses and open without a referrer, and images and tables are off (an image
 * would load from anywhere; table alignment writes inline styles our CSP refuses).
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.disable(['image', 'table']);
md.validateLink = (url: string) => /^https:\/\//i.test(url.trim());
const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow');
  tokens[idx]!.attrSet('target', '_blank');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function Markdown({ source }: { source: string }) {
  // markdown-it escapes every character of the source that is not markdown: the HTML below holds no tag from it.
  const html = useMemo(() => md.render(source), [source]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
