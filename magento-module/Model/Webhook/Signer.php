<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Webhook;

/**
 * The webhook signature of docs/magento-module-api.md ("Webhook signature"), the same scheme as
 * icsync's src/bus/signature.ts:
 *   X-Icsync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." . raw body)>
 * Several v1= entries may be present while a secret is rotated; one match is enough.
 */
final class Signer
{
    public const HEADER = 'X-Icsync-Signature';
    public const DEFAULT_REPLAY_WINDOW = 300;

    public static function signature(string $secret, int $timestamp, string $rawBody): string
    {
        return hash_hmac('sha256', $timestamp . '.' . $rawBody, $secret);
    }

    public static function header(string $secret, int $timestamp, string $rawBody): string
    {
        return 't=' . $timestamp . ',v1=' . self::signature($secret, $timestamp, $rawBody);
    }

    /**
     * Checks a header against the raw body; returns null when it holds, otherwise the reason:
     * missing, malformed, stale or mismatch.
     */
    public static function verify(string $secret, ?string $header, string $rawBody, int $now, int $window = self::DEFAULT_REPLAY_WINDOW): ?string
    {
        if ($header === null || trim($header) === '') {
            return 'missing';
        }
        $timestamp = null;
        $candidates = [];
        foreach (explode(',', $header) as $part) {
            $pair = explode('=', trim($part), 2);
            if (count($pair) !== 2) {
                continue;
            }
            [$key, $value] = $pair;
            if ($key === 't' && preg_match('/^\d{1,12}$/', $value) === 1) {
                $timestamp = (int) $value;
            } elseif ($key === 'v1' && preg_match('/^[0-9a-fA-F]{64}$/', $value) === 1) {
                $candidates[] = strtolower($value);
            }
        }
        if ($timestamp === null || $candidates === []) {
            return 'malformed';
        }
        if (abs($now - $timestamp) > $window) {
            return 'stale';
        }
        $expected = self::signature($secret, $timestamp, $rawBody);
        foreach ($candidates as $candidate) {
            if (hash_equals($expected, $candidate)) {
                return null;
            }
        }
        return 'mismatch';
    }
}
