/**
 * Work on a matter: notes (markdown) and tasks with an assignee and a due date.
 * The module's public face: other modules import from here, never from its files.
 */
export { MATTER_WORK_ERRORS } from './matter-work.errors.ts';
export { matterWorkRoutes } from './matter-work.routes.ts';
export { tasksDueBetween } from './matter-work.service.ts';
export type { TaskView } from './matter-work.schemas.ts';
