import { Route, Routes } from 'react-router';
import CaseFile from './CaseFile.tsx';
import Cases from './Cases.tsx';

/** The judge portal: today's cause list and the caller's cases; each case file on its own page. */
export default function JudgeHome() {
  return (
    <Routes>
      <Route index element={<Cases />} />
      <Route path="cases/:id" element={<CaseFile />} />
    </Routes>
  );
}
