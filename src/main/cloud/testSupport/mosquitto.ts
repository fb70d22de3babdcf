/** Test support: the real Mosquitto the link tests run against (anonymous unless told otherwise). */
export { Mosquitto } from '../../../shared/node/testSupport/mosquitto';
