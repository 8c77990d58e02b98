<?php
// Stand-in for Symfony\Component\Mime\Part\Multipart\MixedPart (symfony/mime 6.x): constructor
// (AbstractPart ...$parts) and getParts() as in AbstractMultipartPart.
namespace Symfony\Component\Mime\Part\Multipart;

use Symfony\Component\Mime\Part\AbstractPart;

class MixedPart extends AbstractPart
{
    private array $parts;

    public function __construct(AbstractPart ...$parts)
    {
        $this->parts = $parts;
    }

    public function getParts(): array
    {
        return $this->parts;
    }
}
