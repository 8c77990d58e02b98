<?php
// Stand-in for Symfony\Component\Mime\Email (symfony/mime 6.x): getBody()/setBody() signatures only.
namespace Symfony\Component\Mime;

use Symfony\Component\Mime\Part\AbstractPart;

class Email
{
    private ?AbstractPart $body = null;

    public function getBody(): AbstractPart
    {
        return $this->body;
    }

    public function setBody(AbstractPart $body): static
    {
        $this->body = $body;
        return $this;
    }
}
