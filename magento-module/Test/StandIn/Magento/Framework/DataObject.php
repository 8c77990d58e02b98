<?php
// Stand-in for Magento\Framework\DataObject (2.4): the constructor and getData()/setData() with
// Magento's signatures; getData('') returns all data, getData($key) one value or null.
namespace Magento\Framework;

class DataObject
{
    protected $_data = [];

    public function __construct(array $data = [])
    {
        $this->_data = $data;
    }

    public function getData($key = '', $index = null)
    {
        if ($key === '') {
            return $this->_data;
        }
        return $this->_data[$key] ?? null;
    }

    public function setData($key, $value = null)
    {
        if (is_array($key)) {
            $this->_data = $key;
        } else {
            $this->_data[$key] = $value;
        }
        return $this;
    }
}
