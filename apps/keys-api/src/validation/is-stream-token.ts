import { tokenParam } from '../device-lists/token-param';
import { MatrixRule } from './matrix-validators';

/** A stream token this server issued; otherwise 400 M_INVALID_PARAM naming the parameter. */
export const IsStreamToken = () => MatrixRule((value, name) => tokenParam(name, value));
