<?php
// Stand-in for Symfony\Component\Mime\Part\TextPart (symfony/mime 6.x): constructor signature; keeps what it was given.
namespace Symfony\Component\Mime\Part;

class TextPart extends AbstractPart
{
    public function __construct(public $body, public ?string $charset = 'utf-8', public string $subtype = 'plain', public ?string $encoding = null)
    {
    }
}
