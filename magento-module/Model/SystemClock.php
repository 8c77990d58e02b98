<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model;

final class SystemClock implements Clock
{
    public function now(): \DateTimeImmutable
    {
        return new \DateTimeImmutable('now', new \DateTimeZone('UTC'));
    }
}
