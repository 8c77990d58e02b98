<?php
// Stand-in for Magento\Framework\Phrase (lib/internal/Magento/Framework/Phrase.php, 2.4): constructor,
// getText(), getArguments(), render() and __toString() signatures as in Magento. render() fills
// %1 / %name placeholders like Magento's Placeholder renderer; no translation.
namespace Magento\Framework;

class Phrase implements \JsonSerializable
{
    private $text;
    private $arguments;

    public function __construct($text, array $arguments = [])
    {
        $this->text = (string) $text;
        $this->arguments = $arguments;
    }

    public function getText()
    {
        return $this->text;
    }

    public function getArguments()
    {
        return $this->arguments;
    }

    public function render()
    {
        $text = $this->text;
        foreach ($this->arguments as $key => $value) {
            $placeholder = is_int($key) ? '%' . ($key + 1) : '%' . $key;
            $text = str_replace($placeholder, (string) $value, $text);
        }
        return $text;
    }

    public function __toString()
    {
        return $this->render();
    }

    #[\ReturnTypeWillChange]
    public function jsonSerialize()
    {
        return $this->render();
    }
}
