import { Exercise } from '../exercise';
import { DEVELOPMENT_EXERCISES } from './development';
import { OPERATIONS_EXERCISES } from './operations';
import { PRODUCT_EXERCISES } from './product';
import { SUPPORT_EXERCISES } from './support';

/** Every exercise, by role; `npm run training -- list` prints them in this order. */
export const EXERCISES: readonly Exercise[] = [
  ...OPERATIONS_EXERCISES,
  ...DEVELOPMENT_EXERCISES,
  ...SUPPORT_EXERCISES,
  ...PRODUCT_EXERCISES,
];

export function exerciseById(id: string): Exercise {
  const found = EXERCISES.find((e) => e.id === id);
  if (!found) throw new Error(`no exercise "${id}"; exercises: ${EXERCISES.map((e) => e.id).join(', ')}`);
  return found;
}
