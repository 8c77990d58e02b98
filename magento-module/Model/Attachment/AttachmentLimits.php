<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

interface AttachmentLimits
{
    /** Largest accepted document, decoded bytes (Stores > Configuration, default 5 MiB). */
    public function maxBytes(): int;
}
