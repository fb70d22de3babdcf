/** Log fields that could hold a secret: pino replaces them, wherever a record carries them. */
export const SECRET_LOG_PATHS = {
  paths: [
    'password',
    '*.password',
    '*.*.password',
    'credentials',
    '*.credentials',
    'token',
    '*.token',
    'enrollmentToken',
    '*.enrollmentToken',
  ],
  censor: '[redacted]',
};
