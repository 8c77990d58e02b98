<?php
// Stand-in for Symfony\Component\Mime\Part\DataPart (symfony/mime 6.x): constructor signature
// ($body, ?string $filename, ?string $contentType, ?string $encoding) and the getters of the name and type.
namespace Symfony\Component\Mime\Part;

class DataPart extends TextPart
{
    public function __construct($body, public ?string $filename = null, public ?string $contentType = null, ?string $encoding = null)
    {
        parent::__construct($body, null, 'octet-stream', $encoding);
    }

    public function getFilename(): ?string
    {
        return $this->filename;
    }

    public function getContentType(): string
    {
        return (string) $this->contentType;
    }
}
