export { CheckRanking, SERVICES_SHOWN } from './CheckRanking';
