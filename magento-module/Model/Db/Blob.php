<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Db;

/** Binary column content, bound as bytes rather than text. */
final class Blob
{
    public function __construct(public readonly string $bytes)
    {
    }
}
