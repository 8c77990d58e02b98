<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Test\Unit\Webhook;

use Icsync\ErpSync\Model\Webhook\Signer;
use PHPUnit\Framework\TestCase;

final class SignerTest extends TestCase
{
    private static function vectors(): array
    {
        return json_decode((string) file_get_contents(dirname(__DIR__, 2) . '/Fixtures/webhook-signature.json'), true, 512, JSON_THROW_ON_ERROR);
    }

    public function testProducesTheHeadersOfTheSharedVectors(): void
    {
        $fixture = self::vectors();
        foreach ($fixture['vectors'] as $vector) {
            self::assertSame($vector['header'], Signer::header($fixture['secret'], $vector['timestamp'], $vector['body']));
            self::assertNull(Signer::verify($fixture['secret'], $vector['header'], $vector['body'], $vector['timestamp'] + 10));
        }
    }

    public function testRefusesWhatTheContractRefuses(): void
    {
        $fixture = self::vectors();
        $v = $fixture['vectors'][0];
        $secret = $fixture['secret'];
        self::assertSame('missing', Signer::verify($secret, null, $v['body'], $v['timestamp']));
        self::assertSame('missing', Signer::verify($secret, '  ', $v['body'], $v['timestamp']));
        self::assertSame('malformed', Signer::verify($secret, 'v1=abc', $v['body'], $v['timestamp']));
        self::assertSame('malformed', Signer::verify($secret, 't=' . $v['timestamp'], $v['body'], $v['timestamp']));
        self::assertSame('stale', Signer::verify($secret, $v['header'], $v['body'], $v['timestamp'] + 301));
        self::assertSame('mismatch', Signer::verify('another secret', $v['header'], $v['body'], $v['timestamp']));
        self::assertSame('mismatch', Signer::verify($secret, $v['header'], $v['body'] . ' ', $v['timestamp']));
    }

    public function testOneMatchingSignatureOfSeveralIsEnoughWhileASecretRotates(): void
    {
        $fixture = self::vectors();
        $v = $fixture['vectors'][0];
        $old = Signer::signature('old secret', $v['timestamp'], $v['body']);
        $header = $v['header'] . ',v1=' . $old;
        self::assertNull(Signer::verify($fixture['secret'], $header, $v['body'], $v['timestamp']));
        self::assertNull(Signer::verify('old secret', $header, $v['body'], $v['timestamp']));
    }
}
