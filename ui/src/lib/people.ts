// Looking up people already in the vault as a name is typed, so they are picked, not retyped.
import { api, type Person } from './api';

/** Known people whose name contains `text` (two characters or more), of the given kinds if any;
 *  none if the look-up fails (it is a convenience: the form still works without it). */
export async function findPeopleLike(text: string, kinds?: Person['kind'][]): Promise<Person[]> {
  const typed = text.trim();
  if (typed.length < 2) return [];
  try {
    const found = await api.findPeople(typed);
    return kinds ? found.filter((p) => kinds.includes(p.kind)) : found;
  } catch {
    return [];
  }
}
