<?php
// Stand-in for Symfony\Component\Mime\Part\AbstractPart (symfony/mime 6.x, which Magento 2.4.8 uses): the base type only.
namespace Symfony\Component\Mime\Part;

abstract class AbstractPart
{
}
