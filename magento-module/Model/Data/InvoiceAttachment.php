<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Data;

use Icsync\ErpSync\Api\Data\InvoiceAttachmentInterface;

final class InvoiceAttachment implements InvoiceAttachmentInterface
{
    private ?string $fileName = null;
    private ?string $mimeType = null;
    private ?string $content = null;

    public function getFileName()
    {
        return $this->fileName;
    }

    public function setFileName($fileName)
    {
        $this->fileName = $fileName === null ? null : (string) $fileName;
        return $this;
    }

    public function getMimeType()
    {
        return $this->mimeType;
    }

    public function setMimeType($mimeType)
    {
        $this->mimeType = $mimeType === null ? null : (string) $mimeType;
        return $this;
    }

    public function getContent()
    {
        return $this->content;
    }

    public function setContent($content)
    {
        $this->content = $content === null ? null : (string) $content;
        return $this;
    }
}
