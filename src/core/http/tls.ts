/**
 * TLS for targets such as iCenter, whose installations mostly use self-signed certificates.
 * The right answer is a CA file (the server's certificate or its CA, PEM); turning verification
 * off is allowed only explicitly, and then it is announced at every start.
 */
import { readFileSync } from 'node:fs';
import { configurationError, errorCode } from '../errors.js';
import type { Logger } from '../log.js';

export interface TlsOptions {
  /** PEM file with the CA (or the self-signed server certificate) to trust for this target. */
  caFile?: string;
  /** Accept any certificate. Only for a test installation: it exposes credentials to the network path. */
  insecureSkipVerify?: boolean;
  /** The config path to name in messages, e.g. `erp.tls`; default `<target>.tls`. */
  settingPath?: string;
}

export interface TlsConnectOptions {
  ca?: string;
  rejectUnauthorized?: boolean;
}

/** Reads the CA file once, at client creation, so a wrong path fails at start, not at 3 a.m. */
export function tlsConnectOptions(target: string, tls: TlsOptions, warn: (message: string) => void): TlsConnectOptions {
  const setting = tls.settingPath ?? `${target}.tls`;
  const options: TlsConnectOptions = {};
  if (tls.caFile) {
    try {
      options.ca = readFileSync(tls.caFile, 'utf8');
    } catch (error) {
      throw configurationError({
        target,
        cause: error,
        sentence: `Cannot read the CA file "${tls.caFile}" set in ${setting}.caFile (${errorCode(error) ?? 'unreadable'}). Fix the path or the file's permissions.`,
      });
    }
  }
  if (tls.insecureSkipVerify) {
    options.rejectUnauthorized = false;
    warn(
      `TLS verification is OFF for ${target} (${setting}.insecureSkipVerify): anyone on the network path can read the ERP password ` +
        `and change the data in transit. Set ${setting}.caFile to the server's CA certificate and remove insecureSkipVerify.`,
    );
  }
  return options;
}

/** A warning that also reaches a person when no logger was given. */
export function warnFunction(logger: Logger | undefined): (message: string) => void {
  return (message) => (logger ? logger.warn(message) : process.emitWarning(message, 'IcsyncTlsWarning'));
}

const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH',
]);

export const isCertificateError = (error: unknown): boolean => {
  const code = errorCode(error);
  return code !== undefined && CERTIFICATE_CODES.has(code);
};

/** A certificate problem is a setting to fix, not something that passes with time. */
export function certificateError(target: string, origin: string, tls: TlsOptions, error: unknown) {
  const setting = tls.settingPath ?? `${target}.tls`;
  const code = errorCode(error) ?? 'certificate rejected';
  const hint =
    code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH'
      ? `The certificate does not name the host in the URL; use the host name the certificate was issued for.`
      : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
        ? `The server's certificate is outside its validity dates; renew it on the server.`
        : tls.caFile
          ? `The CA file in ${setting}.caFile ("${tls.caFile}") does not vouch for this certificate; put the server's CA certificate (PEM) there.`
          : `Set ${setting}.caFile to the server's CA certificate (PEM); iCenter installations often use a self-signed certificate.`;
  return configurationError({ target, cause: error, sentence: `The TLS certificate of ${target} (${origin}) is not trusted (${code}). ${hint}` });
}
