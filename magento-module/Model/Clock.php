<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model;

interface Clock
{
    /** Now, in UTC. */
    public function now(): \DateTimeImmutable;
}
