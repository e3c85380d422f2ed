import t from 'tap'
import { firstNameOf } from '../../dispatch/tracking/tracking.service.js'

// What a customer following their order sees of the engineer's name: never the whole of it.

t.test('a name with words shows its first word', async (t) => {
  t.equal(firstNameOf('Wang Wei'), 'Wang')
  t.equal(firstNameOf('  Anna   Müller '), 'Anna')
  t.equal(firstNameOf('Li'), 'Li')
})

t.test('a name in Chinese characters shows the family name and 师傅, not the name', async (t) => {
  t.equal(firstNameOf('王伟'), '王师傅')
  t.equal(firstNameOf('张晓明'), '张师傅')
  t.equal(firstNameOf('欧阳明'), '欧阳师傅', 'a two-character family name')
  t.equal(firstNameOf('欧阳'), '欧师傅', 'two characters are family and given name, whatever they are')
  t.equal(firstNameOf(' 李娜 '), '李师傅')
  for (const name of ['王伟', '张晓明', '欧阳明', '司马相如']) t.notOk(firstNameOf(name).includes(name.slice(-1)), `${name}: the given name is not shown`)
})

t.test('a romanisation, a note in brackets or a middle dot does not let the whole name through', async (t) => {
  t.equal(firstNameOf('王伟 Wang'), '王师傅')
  t.equal(firstNameOf('王伟 Wang Wei'), '王师傅')
  t.equal(firstNameOf('王伟（二组）'), '王师傅')
  t.equal(firstNameOf('王伟 (team 2)'), '王师傅')
  t.equal(firstNameOf('Wang Wei [night shift]'), 'Wang')
  t.equal(firstNameOf('阿依古丽·买买提'), '阿依古丽', 'the given name, before the dot')
  t.equal(firstNameOf('Jean-Luc · Picard'), 'Jean-Luc')
  for (const name of ['王伟 Wang Wei', '王伟（二组）', '阿依古丽·买买提']) t.not(firstNameOf(name), name)
})

t.test('other scripts show the first word', async (t) => {
  t.equal(firstNameOf('山田 太郎'), '山田', 'words in characters: the first, as written')
  t.equal(firstNameOf('王 伟'), '王')
})

t.test('however the dot or separator was typed, the whole name does not get through', async (t) => {
  for (const name of ['阿依古丽.买买提', '阿依古丽．买买提', '阿依古丽-买买提', '阿依古丽･买买提']) t.equal(firstNameOf(name), '阿依古丽', name)
  t.equal(firstNameOf('王伟·'), '王师傅', 'a trailing dot')
  t.equal(firstNameOf('王伟Wang'), '王师傅', 'a romanisation without a space')
  t.equal(firstNameOf('王伟/Wang Wei'), '王师傅')
  t.equal(firstNameOf('Smith,John'), 'Smith')
  t.equal(firstNameOf('김민수'), '김 기사님')
  t.equal(firstNameOf('Jean-Pierre Dupont'), 'Jean-Pierre', 'a Latin hyphenated first name stays whole')
  for (const name of ['阿依古丽.买买提', '王伟·', '王伟Wang', '김민수']) t.not(firstNameOf(name), name.replace('·', ''))
})
