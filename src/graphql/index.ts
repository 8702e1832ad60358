import './scalars.ts';
import './common.ts';
import './containers.ts';
import './images.ts';
import './networks.ts';
import './volumes.ts';
import './system.ts';
import './events.ts';
import './logs.ts';
import './stats.ts';
import './exec.ts';
import './container-mutations.ts';
import './image-mutations.ts';
import './network-mutations.ts';
import './volume-mutations.ts';
import { builder } from './builder.ts';

export const schema = builder.toSchema();
