// Hash routes (`#/tickets/T1`): the console is static files, so any path works from the bucket and
// from the local server without rewrites, and the back button moves between pages.
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  path: string[];
  query: URLSearchParams;
}

function current(): Location {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

export function useLocation(): Location {
  const [where, setWhere] = useState(current);
  useEffect(() => {
    const changed = () => setWhere(current());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return where;
}

export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function go(target: string): void {
  location.hash = target.replace(/^#/, '');
}
