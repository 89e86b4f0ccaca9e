export { SloBoardPage } from './SloBoardPage';
